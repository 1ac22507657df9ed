package org.cloudir.local;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.core.Json;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.ObjectLockConfiguration;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;
import software.amazon.awssdk.services.sfn.model.StateMachineType;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates in the emulator what template.yaml creates in AWS, read from the template itself:
 * queues, tables, buckets, topics, EventBridge rules with their targets, and state machines
 * (localized, see
 * {@link AslLocalizer}). Every step is idempotent, so a second drill reuses the first's stack.
 */
public final class LocalDeployment {
    static final String TASK_QUEUE_PREFIX = "local-tasks-";
    private static final String STATES_ROLE =
            "arn:aws:iam::" + LocalAws.ACCOUNT_ID + ":role/local-step-functions";

    private final LocalAws aws;
    private final Template template;
    private final Resolver resolver;

    private LocalDeployment(LocalAws aws, Template template, Map<String, String> overrides) {
        this.aws = aws;
        this.template = template;
        Map<String, String> parameters = new LinkedHashMap<>();
        template.parameters().forEach((name, definition) -> parameters.put(name,
                String.valueOf(Template.map(definition).get("Default"))));
        parameters.putAll(overrides);
        this.resolver = new Resolver(template, parameters, this::ref, this::getAtt);
    }

    /** Deploys the template's resources; parameter overrides replace their defaults. */
    public static Stack deploy(LocalAws aws, Template template, Map<String, String> overrides) {
        return new LocalDeployment(aws, template, overrides).deploy();
    }

    private Stack deploy() {
        Map<String, String> queueUrls = createQueues();
        createTables();
        Map<String, String> buckets = createBuckets();
        Map<String, String> topics = createTopics();
        Map<String, FunctionSpec> functions = functions();
        Map<String, String> taskQueues = new LinkedHashMap<>();
        for (String function : functions.keySet()) {
            taskQueues.put(function, createQueue(TASK_QUEUE_PREFIX + function, Map.of()));
        }
        Map<String, String> stateMachines = createStateMachines(taskQueues);
        List<String> rules = createRules();
        return new Stack(queueUrls, stateMachines, rules, functions, taskQueues,
                tableNames(), buckets, topics);
    }

    private Map<String, String> createQueues() {
        Map<String, String> urls = new LinkedHashMap<>();
        List<Map.Entry<String, Map<String, Object>>> queues =
                new ArrayList<>(present("AWS::SQS::Queue").entrySet());
        // A queue that names a dead-letter queue is created after it.
        queues.sort((a, b) -> Boolean.compare(props(a.getValue()).containsKey("RedrivePolicy"),
                props(b.getValue()).containsKey("RedrivePolicy")));
        for (Map.Entry<String, Map<String, Object>> queue : queues) {
            Map<String, Object> properties = props(queue.getValue());
            Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
            copy(properties, "VisibilityTimeout", attributes,
                    QueueAttributeName.VISIBILITY_TIMEOUT);
            copy(properties, "MessageRetentionPeriod", attributes,
                    QueueAttributeName.MESSAGE_RETENTION_PERIOD);
            copy(properties, "SqsManagedSseEnabled", attributes,
                    QueueAttributeName.SQS_MANAGED_SSE_ENABLED);
            if (properties.containsKey("RedrivePolicy")) {
                attributes.put(QueueAttributeName.REDRIVE_POLICY,
                        Json.write(resolver.resolve(properties.get("RedrivePolicy"))));
            }
            urls.put(queue.getKey(), createQueue(queue.getKey(), attributes));
        }
        for (Map<String, Object> policy : present("AWS::SQS::QueuePolicy").values()) {
            Map<String, Object> properties = props(policy);
            String document = Json.write(resolver.resolve(properties.get("PolicyDocument")));
            for (Object queueUrl : Template.list(resolver.resolve(properties.get("Queues")))) {
                aws.sqs.setQueueAttributes(request -> request.queueUrl(String.valueOf(queueUrl))
                        .attributes(Map.of(QueueAttributeName.POLICY, document)));
            }
        }
        return urls;
    }

    private String createQueue(String name, Map<QueueAttributeName, String> attributes) {
        String url = aws.sqs.createQueue(request -> request.queueName(name)).queueUrl();
        if (!attributes.isEmpty()) {
            aws.sqs.setQueueAttributes(request -> request.queueUrl(url).attributes(attributes));
        }
        return url;
    }

    private void createTables() {
        for (Map.Entry<String, Map<String, Object>> table :
                present("AWS::DynamoDB::Table").entrySet()) {
            Map<String, Object> properties = props(table.getValue());
            List<AttributeDefinition> attributes = Template.list(
                    properties.get("AttributeDefinitions")).stream()
                    .map(Template::map)
                    .map(definition -> AttributeDefinition.builder()
                            .attributeName((String) definition.get("AttributeName"))
                            .attributeType((String) definition.get("AttributeType")).build())
                    .toList();
            List<KeySchemaElement> keys = Template.list(properties.get("KeySchema")).stream()
                    .map(Template::map)
                    .map(key -> KeySchemaElement.builder()
                            .attributeName((String) key.get("AttributeName"))
                            .keyType((String) key.get("KeyType")).build())
                    .toList();
            try {
                aws.dynamoDb.createTable(request -> request.tableName(table.getKey())
                        .attributeDefinitions(attributes)
                        .keySchema(keys)
                        .billingMode(String.valueOf(properties.get("BillingMode"))));
            } catch (ResourceInUseException alreadyThere) {
                // Created by an earlier drill in this emulator: keep its records.
            }
        }
    }

    /**
     * Creates the template's buckets with their versioning, object lock, encryption, public
     * access block and bucket policy; a bucket left by an earlier drill is kept with its data.
     */
    private Map<String, String> createBuckets() {
        Map<String, String> names = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> bucket :
                present("AWS::S3::Bucket").entrySet()) {
            Map<String, Object> properties = props(bucket.getValue());
            String name = ref(bucket.getKey());
            boolean locked = Boolean.parseBoolean(String.valueOf(
                    properties.getOrDefault("ObjectLockEnabled", "false")));
            try {
                aws.s3.createBucket(request -> request.bucket(name)
                        .objectLockEnabledForBucket(locked));
            } catch (BucketAlreadyOwnedByYouException | BucketAlreadyExistsException kept) {
                // Created by an earlier drill in this emulator: keep its evidence.
            }
            Map<String, Object> versioning = Template.map(
                    properties.get("VersioningConfiguration"));
            if (versioning.containsKey("Status")) {
                aws.s3.putBucketVersioning(request -> request.bucket(name)
                        .versioningConfiguration(v -> v.status(
                                String.valueOf(versioning.get("Status")))));
            }
            applyObjectLock(name, Template.map(resolver.resolve(
                    properties.get("ObjectLockConfiguration"))));
            applyProtection(name, properties);
            names.put(bucket.getKey(), name);
        }
        for (Map<String, Object> policy : present("AWS::S3::BucketPolicy").values()) {
            Map<String, Object> properties = props(policy);
            String document = Json.write(resolver.resolve(properties.get("PolicyDocument")));
            String bucket = resolver.resolveText(properties.get("Bucket"));
            aws.s3.putBucketPolicy(request -> request.bucket(bucket).policy(document));
        }
        return names;
    }

    private void applyObjectLock(String bucket, Map<String, Object> configuration) {
        Map<String, Object> retention = Template.map(Template.map(
                configuration.get("Rule")).get("DefaultRetention"));
        if (retention.isEmpty()) {
            return;
        }
        ObjectLockConfiguration wanted = ObjectLockConfiguration.builder()
                .objectLockEnabled(String.valueOf(configuration.get("ObjectLockEnabled")))
                .rule(rule -> rule.defaultRetention(days -> days
                        .mode(String.valueOf(retention.get("Mode")))
                        .days(Integer.parseInt(String.valueOf(retention.get("Days"))))))
                .build();
        ObjectLockConfiguration current = aws.s3.getObjectLockConfiguration(request -> request
                .bucket(bucket)).objectLockConfiguration();
        // moto refuses to change the lock of a bucket that holds objects (AWS allows it), so
        // an earlier drill's bucket is only touched when the template changed its retention.
        if (current == null || current.rule() == null
                || !wanted.rule().defaultRetention().mode().equals(
                        current.rule().defaultRetention().mode())
                || !wanted.rule().defaultRetention().days().equals(
                        current.rule().defaultRetention().days())) {
            aws.s3.putObjectLockConfiguration(request -> request.bucket(bucket)
                    .objectLockConfiguration(wanted));
        }
    }

    private void applyProtection(String bucket, Map<String, Object> properties) {
        Map<String, Object> block = Template.map(
                properties.get("PublicAccessBlockConfiguration"));
        if (!block.isEmpty()) {
            aws.s3.putPublicAccessBlock(request -> request.bucket(bucket)
                    .publicAccessBlockConfiguration(config -> config
                            .blockPublicAcls(flag(block, "BlockPublicAcls"))
                            .blockPublicPolicy(flag(block, "BlockPublicPolicy"))
                            .ignorePublicAcls(flag(block, "IgnorePublicAcls"))
                            .restrictPublicBuckets(flag(block, "RestrictPublicBuckets"))));
        }
        for (Object rule : Template.list(Template.map(properties.get("BucketEncryption"))
                .get("ServerSideEncryptionConfiguration"))) {
            String algorithm = String.valueOf(Template.map(Template.map(rule)
                    .get("ServerSideEncryptionByDefault")).get("SSEAlgorithm"));
            aws.s3.putBucketEncryption(request -> request.bucket(bucket)
                    .serverSideEncryptionConfiguration(config -> config.rules(r -> r
                            .applyServerSideEncryptionByDefault(d -> d
                                    .sseAlgorithm(algorithm)))));
        }
    }

    private Map<String, String> createTopics() {
        Map<String, String> arns = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> topic :
                present("AWS::SNS::Topic").entrySet()) {
            Map<String, Object> properties = props(topic.getValue());
            Map<String, String> attributes = new LinkedHashMap<>();
            if (properties.containsKey("DisplayName")) {
                attributes.put("DisplayName", resolver.resolveText(properties.get("DisplayName")));
            }
            arns.put(topic.getKey(), aws.sns.createTopic(request -> request
                    .name(topic.getKey()).attributes(attributes)).topicArn());
        }
        return arns;
    }

    private static boolean flag(Map<String, Object> values, String name) {
        return Boolean.parseBoolean(String.valueOf(values.getOrDefault(name, "false")));
    }

    private Map<String, FunctionSpec> functions() {
        Map<String, Object> globalEnvironment = Template.map(Template.map(
                template.globalFunction().get("Environment")).get("Variables"));
        Map<String, FunctionSpec> functions = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> function :
                present("AWS::Serverless::Function").entrySet()) {
            Map<String, Object> properties = props(function.getValue());
            Map<String, String> environment = new LinkedHashMap<>();
            resolveAll(globalEnvironment, environment);
            resolveAll(Template.map(Template.map(properties.get("Environment"))
                    .get("Variables")), environment);
            String eventQueue = null;
            for (Object event : Template.map(properties.get("Events")).values()) {
                Map<String, Object> source = Template.map(event);
                if ("SQS".equals(source.get("Type"))) {
                    String arn = resolver.resolveText(props(source).get("Queue"));
                    eventQueue = arn.substring(arn.lastIndexOf(':') + 1);
                }
            }
            Object timeout = properties.getOrDefault("Timeout",
                    template.globalFunction().getOrDefault("Timeout", 60));
            functions.put(function.getKey(), new FunctionSpec(function.getKey(),
                    (String) properties.get("Handler"), environment, eventQueue,
                    Integer.parseInt(String.valueOf(timeout))));
        }
        return functions;
    }

    private Map<String, String> createStateMachines(Map<String, String> taskQueues) {
        Map<String, String> arns = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> machine :
                present("AWS::Serverless::StateMachine").entrySet()) {
            Map<String, Object> properties = props(machine.getValue());
            Map<String, String> functionBySubstitution = new LinkedHashMap<>();
            Map<String, String> other = new LinkedHashMap<>();
            Template.map(properties.get("DefinitionSubstitutions")).forEach((name, value) -> {
                String function = functionArnTarget(value);
                if (function != null) {
                    functionBySubstitution.put(name, function);
                } else {
                    other.put(name, resolver.resolveText(value));
                }
            });
            String definition = AslLocalizer.localize(
                    read((String) properties.get("DefinitionUri")),
                    functionBySubstitution, taskQueues, other);
            arns.put(machine.getKey(), createOrUpdate(machine.getKey(), definition));
        }
        return arns;
    }

    /** Returns X when the value is {@code !GetAtt X.Arn} of a function, otherwise null. */
    private String functionArnTarget(Object value) {
        Object getAtt = Template.map(value instanceof Map<?, ?> ? value : null).get("Fn::GetAtt");
        if (getAtt == null) {
            return null;
        }
        List<Object> parts = Template.list(getAtt);
        String target = (String) parts.get(0);
        return "AWS::Serverless::Function".equals(template.typeOf(target))
                && "Arn".equals(parts.get(1)) ? target : null;
    }

    private String createOrUpdate(String name, String definition) {
        String existing = aws.sfn.listStateMachinesPaginator(request -> { })
                .stateMachines().stream()
                .filter(machine -> machine.name().equals(name))
                .map(StateMachineListItem::stateMachineArn)
                .findFirst().orElse(null);
        if (existing != null) {
            aws.sfn.updateStateMachine(request -> request.stateMachineArn(existing)
                    .definition(definition));
            return existing;
        }
        return aws.sfn.createStateMachine(request -> request.name(name)
                .definition(definition)
                .roleArn(STATES_ROLE)
                .type(StateMachineType.STANDARD)).stateMachineArn();
    }

    private List<String> createRules() {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> rule :
                present("AWS::Events::Rule").entrySet()) {
            Map<String, Object> properties = props(rule.getValue());
            Object pattern = resolver.resolve(properties.get("EventPattern"));
            String patternJson = pattern instanceof String text ? text : Json.write(pattern);
            aws.events.putRule(request -> request.name(rule.getKey())
                    .eventPattern(patternJson)
                    .description(String.valueOf(properties.getOrDefault("Description", "")))
                    .state(String.valueOf(properties.getOrDefault("State", "ENABLED"))));
            List<software.amazon.awssdk.services.eventbridge.model.Target> targets =
                    Template.list(properties.get("Targets")).stream()
                            .map(Template::map)
                            .map(target -> software.amazon.awssdk.services.eventbridge.model
                                    .Target.builder()
                                    .id(resolver.resolveText(target.get("Id")))
                                    .arn(resolver.resolveText(target.get("Arn")))
                                    .build())
                            .toList();
            aws.events.putTargets(request -> request.rule(rule.getKey()).targets(targets));
            names.add(rule.getKey());
        }
        return names;
    }

    private Map<String, String> tableNames() {
        Map<String, String> names = new LinkedHashMap<>();
        present("AWS::DynamoDB::Table").keySet().forEach(id -> names.put(id, id));
        return names;
    }

    private Map<String, Map<String, Object>> present(String type) {
        Map<String, Map<String, Object>> resources = new LinkedHashMap<>();
        template.resources(type).forEach((id, resource) -> {
            Object condition = resource.get("Condition");
            if (condition == null || resolver.condition((String) condition)) {
                resources.put(id, resource);
            }
        });
        return resources;
    }

    private String ref(String logicalId) {
        String type = template.typeOf(logicalId);
        return switch (type) {
            case "AWS::SQS::Queue" -> aws.sqs.getQueueUrl(request -> request.queueName(logicalId))
                    .queueUrl();
            case "AWS::Serverless::StateMachine" -> "arn:aws:states:" + LocalAws.REGION + ":"
                    + LocalAws.ACCOUNT_ID + ":stateMachine:" + logicalId;
            // Bucket names are global and lower case: the stack name keeps them apart.
            case "AWS::S3::Bucket" -> (LocalAws.STACK_NAME + "-" + logicalId)
                    .toLowerCase(java.util.Locale.ROOT);
            case "AWS::SNS::Topic" -> "arn:aws:sns:" + LocalAws.REGION + ":"
                    + LocalAws.ACCOUNT_ID + ":" + logicalId;
            default -> logicalId;
        };
    }

    private String getAtt(String logicalId, String attribute) {
        String type = template.typeOf(logicalId);
        if (attribute.equals("QueueName") || attribute.equals("TopicName")) {
            return logicalId;
        }
        if (type.equals("AWS::S3::Bucket") && attribute.equals("Arn")) {
            return "arn:aws:s3:::" + ref(logicalId);
        }
        if (!attribute.equals("Arn")) {
            throw new UnsupportedOperationException("local mode cannot resolve !GetAtt "
                    + logicalId + "." + attribute);
        }
        String prefix = ":" + LocalAws.REGION + ":" + LocalAws.ACCOUNT_ID + ":";
        if (type.equals("AWS::IAM::Role")) {
            return "arn:aws:iam::" + LocalAws.ACCOUNT_ID + ":role/" + logicalId;
        }
        return switch (type) {
            case "AWS::SQS::Queue" -> "arn:aws:sqs" + prefix + logicalId;
            case "AWS::DynamoDB::Table" -> "arn:aws:dynamodb" + prefix + "table/" + logicalId;
            case "AWS::Serverless::Function" -> "arn:aws:lambda" + prefix + "function:" + logicalId;
            case "AWS::Events::Rule" -> "arn:aws:events" + prefix + "rule/" + logicalId;
            case "AWS::Logs::LogGroup" -> "arn:aws:logs" + prefix + "log-group:" + logicalId;
            default -> "arn:aws:local" + prefix + logicalId;
        };
    }

    private void resolveAll(Map<String, Object> variables, Map<String, String> into) {
        variables.forEach((name, value) -> into.put(name, resolver.resolveText(value)));
    }

    private String read(String relativePath) {
        try {
            return Files.readString(template.root().resolve(relativePath));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + relativePath
                    + " named in template.yaml", e);
        }
    }

    private static Map<String, Object> props(Map<String, Object> resource) {
        return Template.map(resource.get("Properties"));
    }

    private static void copy(Map<String, Object> properties, String name,
            Map<QueueAttributeName, String> into, QueueAttributeName attribute) {
        if (properties.containsKey(name)) {
            into.put(attribute, String.valueOf(properties.get(name)));
        }
    }
}
