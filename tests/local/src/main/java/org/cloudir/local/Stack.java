package org.cloudir.local;

import java.util.List;
import java.util.Map;

/**
 * Names what a local deployment created, by the template's logical ids.
 *
 * @param queueUrls the template's queues
 * @param stateMachineArns the template's state machines
 * @param taskQueueUrls per function, the queue its localized tasks send to
 */
public record Stack(Map<String, String> queueUrls, Map<String, String> stateMachineArns,
        List<String> ruleNames, Map<String, FunctionSpec> functions,
        Map<String, String> taskQueueUrls, Map<String, String> tableNames,
        Map<String, String> bucketNames, Map<String, String> topicArns) {

    public String queueUrl(String logicalId) {
        return require(queueUrls, logicalId, "queue");
    }

    public String stateMachineArn(String logicalId) {
        return require(stateMachineArns, logicalId, "state machine");
    }

    public String tableName(String logicalId) {
        return require(tableNames, logicalId, "table");
    }

    public String bucketName(String logicalId) {
        return require(bucketNames, logicalId, "bucket");
    }

    public String topicArn(String logicalId) {
        return require(topicArns, logicalId, "topic");
    }

    private static String require(Map<String, String> names, String logicalId, String kind) {
        String value = names.get(logicalId);
        if (value == null) {
            throw new IllegalArgumentException("template.yaml has no " + kind + " " + logicalId);
        }
        return value;
    }
}
