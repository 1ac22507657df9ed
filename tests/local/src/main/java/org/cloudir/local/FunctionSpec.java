package org.cloudir.local;

import java.util.Map;

/**
 * Describes one function of template.yaml as the local worker runs it.
 *
 * @param handler the template's Handler, "class::method"
 * @param environment resolved variables: Globals first, then the function's own
 * @param eventQueue the queue name of its SQS event source, or null
 */
public record FunctionSpec(String logicalId, String handler, Map<String, String> environment,
        String eventQueue, int timeoutSeconds) {

    public String handlerClass() {
        return handler.split("::")[0];
    }
}
