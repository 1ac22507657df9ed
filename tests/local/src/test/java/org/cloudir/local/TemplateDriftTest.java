package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.cloudir.core.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.model.ListRulesResponse;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;

/**
 * Checks that the local deployment holds what template.yaml declares, read back from the
 * emulator's own list calls, so the local stack cannot drift from the template unnoticed.
 */
class TemplateDriftTest {
    private static LocalHarness harness;
    private static TemplateFacts facts;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
        facts = new TemplateFacts(harness.template, harness.aws, LocalHarness.PARAMETERS);
    }

    private static Set<String> ruleNamesOnDefaultBus() {
        Set<String> names = new HashSet<>();
        String token = null;
        do {
            String page = token;
            ListRulesResponse response = harness.aws.events.listRules(request -> request
                    .nextToken(page));
            response.rules().stream().map(Rule::name).forEach(names::add);
            token = response.nextToken();
        } while (token != null);
        return names;
    }

    private static String deployedDefinition(String logicalId) {
        String arn = harness.aws.sfn.listStateMachinesPaginator(request -> { })
                .stateMachines().stream()
                .filter(machine -> machine.name().equals(logicalId))
                .map(StateMachineListItem::stateMachineArn)
                .findFirst().orElseThrow(() -> new AssertionError(
                        "no state machine named " + logicalId));
        return harness.aws.sfn.describeStateMachine(request -> request.stateMachineArn(arn))
                .definition();
    }

    private static JsonNode templateDefinition(String logicalId) throws IOException {
        String uri = (String) facts.properties(logicalId).get("DefinitionUri");
        return Json.parse(Files.readString(harness.root.resolve(uri)), uri);
    }

    private static List<String> stateNames(JsonNode definition) {
        List<String> names = new ArrayList<>();
        definition.path("States").fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void everyTemplateQueueExists() {
        Set<String> templateQueues = facts.present("AWS::SQS::Queue").keySet();

        Set<String> queueNames = harness.aws.sqs.listQueuesPaginator(request -> { })
                .queueUrls().stream()
                .map(url -> url.substring(url.lastIndexOf('/') + 1))
                .collect(Collectors.toSet());

        assertThat(templateQueues).isNotEmpty();
        assertThat(queueNames).containsAll(templateQueues);
    }

    @Test
    void everyTemplateTableExists() {
        Set<String> templateTables = facts.present("AWS::DynamoDB::Table").keySet();

        List<String> tables = harness.aws.dynamoDb.listTablesPaginator(request -> { })
                .tableNames().stream().toList();

        assertThat(templateTables).isNotEmpty();
        assertThat(tables).containsAll(templateTables);
    }

    @Test
    void everyTemplateRuleWhoseConditionHoldsExists() {
        Set<String> templateRules = facts.present("AWS::Events::Rule").keySet();

        Set<String> rules = ruleNamesOnDefaultBus();

        assertThat(templateRules).isNotEmpty();
        assertThat(rules).containsAll(templateRules);
    }

    @Test
    void everyDeployedRuleHasTheTemplatePattern() {
        Map<String, JsonNode> expected = new LinkedHashMap<>();
        facts.present("AWS::Events::Rule").keySet()
                .forEach(rule -> expected.put(rule, facts.eventPattern(rule)));

        Map<String, JsonNode> deployed = new LinkedHashMap<>();
        expected.keySet().forEach(rule -> deployed.put(rule, Json.parse(harness.aws.events
                .describeRule(request -> request.name(rule)).eventPattern(), rule)));

        assertThat(deployed).isEqualTo(expected);
    }

    @Test
    void everyDeployedRuleTargetsTheTemplateQueue() {
        Map<String, Map<String, String>> expected = new LinkedHashMap<>();
        facts.present("AWS::Events::Rule").keySet()
                .forEach(rule -> expected.put(rule, facts.targetArns(rule)));

        Map<String, Map<String, String>> deployed = new LinkedHashMap<>();
        expected.keySet().forEach(rule -> deployed.put(rule, harness.aws.events
                .listTargetsByRule(request -> request.rule(rule)).targets().stream()
                .collect(Collectors.toMap(Target::id, Target::arn))));

        assertThat(deployed).isEqualTo(expected);
    }

    @Test
    void everyTemplateStateMachineExists() {
        Set<String> templateMachines = facts.present("AWS::Serverless::StateMachine").keySet();

        Set<String> machines = harness.aws.sfn.listStateMachinesPaginator(request -> { })
                .stateMachines().stream().map(StateMachineListItem::name)
                .collect(Collectors.toSet());

        assertThat(templateMachines).isNotEmpty();
        assertThat(machines).containsAll(templateMachines);
    }

    @Test
    void deployedStateMachinesHaveExactlyTheTemplateStates() throws IOException {
        for (String machine : facts.present("AWS::Serverless::StateMachine").keySet()) {
            JsonNode template = templateDefinition(machine);

            JsonNode deployed = Json.parse(deployedDefinition(machine), machine);

            assertThat(stateNames(deployed)).as(machine)
                    .containsExactlyElementsOf(stateNames(template));
            assertThat(deployed.path("StartAt")).as(machine).isEqualTo(template.path("StartAt"));
        }
    }

    /**
     * Localizing may change only how a task is called (Resource and Parameters); the flow,
     * retries, catches, timeouts and result handling must stay exactly as in the template.
     */
    @Test
    void deployedStatesDifferFromTheTemplateOnlyInHowTasksAreCalled() throws IOException {
        for (String machine : facts.present("AWS::Serverless::StateMachine").keySet()) {
            JsonNode template = templateDefinition(machine);

            JsonNode deployed = Json.parse(deployedDefinition(machine), machine);

            for (String state : stateNames(template)) {
                assertThat(withoutCall(deployed.path("States").path(state)))
                        .as(machine + " state " + state)
                        .isEqualTo(withoutCall(template.path("States").path(state)));
            }
        }
    }

    private static JsonNode withoutCall(JsonNode state) {
        ObjectNode copy = state.deepCopy();
        copy.remove(List.of("Resource", "Parameters"));
        return copy;
    }
}
