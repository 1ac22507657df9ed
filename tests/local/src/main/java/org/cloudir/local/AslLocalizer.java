package org.cloudir.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import org.cloudir.core.Json;

/**
 * Turns the deployed ASL into its local form. The emulator cannot run Lambda functions, so each
 * {@code lambda:invoke} task becomes an SQS {@code sendMessage.waitForTaskToken} task: the
 * message carries the function's logical id, the same payload and the task token, and the
 * local worker answers with the function's result shaped as Lambda's integration shapes it.
 * A {@code lambda:invoke.waitForTaskToken} task (an approval gate) becomes the same kind of
 * task marked {@code callback}: its payload holds the token itself, the worker only runs the
 * function, and the task waits for whoever answers that token, as in AWS.
 * Everything else (Choice, Retry, Catch, ResultSelector) is left for the engine to run.
 */
final class AslLocalizer {
    static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
    static final String LAMBDA_CALLBACK = "arn:aws:states:::lambda:invoke.waitForTaskToken";
    static final String SQS_CALLBACK = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";

    private AslLocalizer() {
    }

    /**
     * Rewrites the definition.
     *
     * @param functionBySubstitution substitution name (e.g. "IsolateInstanceFunctionArn") to
     *     the function's logical id, from the template's DefinitionSubstitutions
     * @param queueUrlByFunction each function's local task queue URL
     * @param otherSubstitutions the remaining substitutions, already resolved
     */
    static String localize(String definition, Map<String, String> functionBySubstitution,
            Map<String, String> queueUrlByFunction, Map<String, String> otherSubstitutions) {
        JsonNode asl = Json.parse(definition, "state machine definition");
        rewriteStates(asl.path("States"), functionBySubstitution, queueUrlByFunction);
        String text = Json.write(asl);
        for (Map.Entry<String, String> substitution : otherSubstitutions.entrySet()) {
            text = text.replace("${" + substitution.getKey() + "}", substitution.getValue());
        }
        return text;
    }

    private static void rewriteStates(JsonNode states, Map<String, String> functions,
            Map<String, String> queues) {
        Iterator<JsonNode> all = states.elements();
        while (all.hasNext()) {
            JsonNode state = all.next();
            if (state.has("Iterator")) {
                rewriteStates(state.path("Iterator").path("States"), functions, queues);
            }
            if (state.has("ItemProcessor")) {
                rewriteStates(state.path("ItemProcessor").path("States"), functions, queues);
            }
            for (JsonNode branch : state.path("Branches")) {
                rewriteStates(branch.path("States"), functions, queues);
            }
            String resource = state.path("Resource").asText();
            if (LAMBDA_INVOKE.equals(resource) || LAMBDA_CALLBACK.equals(resource)) {
                rewriteTask((ObjectNode) state, functions, queues,
                        LAMBDA_CALLBACK.equals(resource));
            }
        }
    }

    private static void rewriteTask(ObjectNode task, Map<String, String> functions,
            Map<String, String> queues, boolean callback) {
        JsonNode parameters = task.path("Parameters");
        String reference = parameters.path("FunctionName").asText();
        String substitution = reference.replaceAll("^\\$\\{(.+)}$", "$1");
        String function = functions.get(substitution);
        if (function == null || !queues.containsKey(function)) {
            throw new IllegalStateException("task calls " + reference + ", which is not a"
                    + " function of template.yaml's DefinitionSubstitutions");
        }
        ObjectNode body = Json.mapper().createObjectNode()
                .put("function", function)
                .put("taskToken.$", "$$.Task.Token")
                .put("callback", callback);
        if (parameters.has("Payload.$")) {
            body.set("payload.$", parameters.get("Payload.$"));
        } else {
            body.set("payload", parameters.path("Payload"));
        }
        ObjectNode local = Json.mapper().createObjectNode()
                .put("QueueUrl", queues.get(function));
        local.set("MessageBody", body);
        task.put("Resource", SQS_CALLBACK);
        task.set("Parameters", local);
    }
}
