package org.cloudir.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cloudir.core.Json;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Reads what template.yaml declares, resolved for given parameter values with the same
 * {@link Resolver} the local deployment uses. References to queues are answered from the
 * emulator itself (their URL and ARN as SQS reports them), not from the deployment's own code,
 * so a deployment that strayed from the template shows.
 */
final class TemplateFacts {
    private final Template template;
    private final Resolver resolver;

    TemplateFacts(Template template, LocalAws aws, Map<String, String> overrides) {
        this.template = template;
        Map<String, String> parameters = new LinkedHashMap<>();
        template.parameters().forEach((name, definition) -> parameters.put(name,
                String.valueOf(Template.map(definition).get("Default"))));
        parameters.putAll(overrides);
        this.resolver = new Resolver(template, parameters,
                logicalId -> ref(aws, logicalId),
                (logicalId, attribute) -> getAtt(aws, logicalId, attribute));
    }

    /** Returns the template's resources of a type whose Condition holds (or that have none). */
    Map<String, Map<String, Object>> present(String type) {
        Map<String, Map<String, Object>> present = new LinkedHashMap<>();
        template.resources(type).forEach((id, resource) -> {
            Object condition = resource.get("Condition");
            if (condition == null || resolver.condition((String) condition)) {
                present.put(id, resource);
            }
        });
        return present;
    }

    /** Returns a rule's event pattern, resolved, as JSON. */
    JsonNode eventPattern(String ruleId) {
        Object pattern = resolver.resolve(properties(ruleId).get("EventPattern"));
        return pattern instanceof String text ? Json.parse(text, "event pattern of " + ruleId)
                : Json.mapper().valueToTree(pattern);
    }

    /** Returns the ARNs a rule's targets name, resolved, by target id. */
    Map<String, String> targetArns(String ruleId) {
        Map<String, String> arns = new LinkedHashMap<>();
        for (Object target : Template.list(properties(ruleId).get("Targets"))) {
            Map<String, Object> fields = Template.map(target);
            arns.put(resolver.resolveText(fields.get("Id")),
                    resolver.resolveText(fields.get("Arn")));
        }
        return arns;
    }

    Map<String, Object> properties(String logicalId) {
        return Template.map(template.resource(logicalId).get("Properties"));
    }

    private String ref(LocalAws aws, String logicalId) {
        if ("AWS::SQS::Queue".equals(template.typeOf(logicalId))) {
            return aws.sqs.getQueueUrl(request -> request.queueName(logicalId)).queueUrl();
        }
        throw new UnsupportedOperationException("the tests resolve !Ref only for queues, not "
                + logicalId);
    }

    private String getAtt(LocalAws aws, String logicalId, String attribute) {
        if ("AWS::SQS::Queue".equals(template.typeOf(logicalId)) && attribute.equals("Arn")) {
            String url = ref(aws, logicalId);
            return aws.sqs.getQueueAttributes(request -> request.queueUrl(url)
                            .attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
        }
        throw new UnsupportedOperationException("the tests resolve !GetAtt only for queue"
                + " ARNs, not " + logicalId + "." + attribute);
    }
}
