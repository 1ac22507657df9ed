package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.cloudir.core.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves each EventBridge rule of template.yaml with the emulator's real pattern matching (it
 * has no TestEventPattern): the rule's resolved pattern is put on a fresh bus with a queue
 * target, and the samples of {@code events/} and their near misses are sent to it. An event
 * that stays out is judged only after a later matching event has arrived in the queue.
 */
class RuleMatchingTest {
    private static final String GUARDDUTY_RULE = "GuardDutyFindingRule";
    private static final String KEY_QUARANTINE_RULE = "KeyQuarantineRule";
    private static final Map<String, String> TEMPLATE_DEFAULTS = Map.of();
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(10);

    private static LocalHarness harness;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
    }

    /**
     * Names one event sent to one rule.
     *
     * @param parameters template parameter overrides the rule's pattern is resolved with
     * @param file the sample in {@code events/}
     * @param change how this case differs from the sample
     */
    record RuleCase(String rule, String description, Map<String, String> parameters,
            String file, Consumer<ObjectNode> change, boolean arrives) {

        ObjectNode event() {
            ObjectNode event = harness.samples.load(file, Map.of());
            change.accept(event);
            return event;
        }

        @Override
        public String toString() {
            return rule + ": " + description;
        }
    }

    private static RuleCase arrives(String rule, String description, String file,
            Consumer<ObjectNode> change) {
        return new RuleCase(rule, description, TEMPLATE_DEFAULTS, file, change, true);
    }

    private static RuleCase staysOut(String rule, String description, String file,
            Consumer<ObjectNode> change) {
        return new RuleCase(rule, description, TEMPLATE_DEFAULTS, file, change, false);
    }

    private static Consumer<ObjectNode> unchanged() {
        return event -> { };
    }

    private static Consumer<ObjectNode> severity(double severity) {
        return event -> detail(event).put("severity", severity);
    }

    private static Consumer<ObjectNode> top(String field, String value) {
        return event -> event.put(field, value);
    }

    private static Consumer<ObjectNode> policyArn(String arn) {
        return event -> ((ObjectNode) event.path("detail").path("requestParameters"))
                .put("policyArn", arn);
    }

    private static ObjectNode detail(ObjectNode event) {
        return (ObjectNode) event.path("detail");
    }

    static Stream<RuleCase> cases() {
        return Stream.of(
                arrives(GUARDDUTY_RULE, "backdoor finding at severity 8",
                        LocalHarness.BACKDOOR, unchanged()),
                arrives(GUARDDUTY_RULE, "GuardDuty sample finding at severity 8",
                        LocalHarness.SAMPLE, unchanged()),
                arrives(GUARDDUTY_RULE, "finding exactly at the default floor, severity 7",
                        LocalHarness.BACKDOOR, severity(7)),
                arrives(GUARDDUTY_RULE, "finding without instance id (triage, not the rule,"
                        + " rejects it)", "invalid/guardduty-missing-instance-id.json",
                        unchanged()),
                arrives(GUARDDUTY_RULE, "role credentials finding at severity 8",
                        "invalid/guardduty-role-credentials.json", unchanged()),
                new RuleCase(GUARDDUTY_RULE, "malicious IP caller at severity 5, floor 4 as"
                        + " deployed locally", LocalHarness.PARAMETERS,
                        LocalHarness.MALICIOUS_IP, unchanged(), true),
                staysOut(GUARDDUTY_RULE, "malicious IP caller at severity 5, below the default"
                        + " floor 7", LocalHarness.MALICIOUS_IP, unchanged()),
                staysOut(GUARDDUTY_RULE, "finding at severity 6.9, just below the default"
                        + " floor 7", LocalHarness.BACKDOOR, severity(6.9)),
                new RuleCase(GUARDDUTY_RULE, "finding at severity 3.9, just below floor 4 as"
                        + " deployed locally", LocalHarness.PARAMETERS, LocalHarness.BACKDOOR,
                        severity(3.9), false),
                staysOut(GUARDDUTY_RULE, "severity written as text \"high\"",
                        "invalid/guardduty-bad-severity.json", unchanged()),
                staysOut(GUARDDUTY_RULE, "GuardDuty detail-type from another source",
                        LocalHarness.BACKDOOR, top("source", "aws.securityhub")),
                staysOut(GUARDDUTY_RULE, "another detail-type from GuardDuty's source",
                        LocalHarness.BACKDOOR, top("detail-type", "GuardDuty Malware Scan")),
                staysOut(GUARDDUTY_RULE, "CloudTrail key quarantine event",
                        LocalHarness.KEY_QUARANTINE, unchanged()),

                arrives(KEY_QUARANTINE_RULE, "quarantine policy V3 attached to a user",
                        LocalHarness.KEY_QUARANTINE, unchanged()),
                arrives(KEY_QUARANTINE_RULE, "earlier quarantine policy version V2 attached",
                        LocalHarness.KEY_QUARANTINE, policyArn(
                                "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2")),
                arrives(KEY_QUARANTINE_RULE, "failed attach with an errorCode (triage, not the"
                        + " rule, refuses it)", LocalHarness.KEY_QUARANTINE,
                        event -> detail(event).put("errorCode", "AccessDenied")),
                staysOut(KEY_QUARANTINE_RULE, "another managed policy attached",
                        "invalid/cloudtrail-other-policy.json", unchanged()),
                staysOut(KEY_QUARANTINE_RULE, "customer policy named like the quarantine"
                        + " policy", LocalHarness.KEY_QUARANTINE, policyArn(
                                "arn:aws:iam::123456789012:policy/AWSCompromisedKeyQuarantineV3")),
                staysOut(KEY_QUARANTINE_RULE, "quarantine policy detached",
                        LocalHarness.KEY_QUARANTINE,
                        event -> detail(event).put("eventName", "DetachUserPolicy")),
                staysOut(KEY_QUARANTINE_RULE, "quarantine policy attached to a role",
                        LocalHarness.KEY_QUARANTINE,
                        event -> detail(event).put("eventName", "AttachRolePolicy")),
                staysOut(KEY_QUARANTINE_RULE, "same detail from another source",
                        LocalHarness.KEY_QUARANTINE, top("source", "aws.organizations")),
                staysOut(KEY_QUARANTINE_RULE, "GuardDuty backdoor finding",
                        LocalHarness.BACKDOOR, unchanged()));
    }

    static Stream<RuleCase> arriving() {
        return cases().filter(RuleCase::arrives);
    }

    static Stream<RuleCase> stayingOut() {
        return cases().filter(ruleCase -> !ruleCase.arrives());
    }

    /** Returns an event that must match the rule whatever the parameters are. */
    private static ObjectNode marker(String rule) {
        return switch (rule) {
            case GUARDDUTY_RULE -> {
                ObjectNode event = harness.samples.load(LocalHarness.BACKDOOR, Map.of());
                severity(10).accept(event);
                yield event;
            }
            case KEY_QUARANTINE_RULE -> harness.samples.load(LocalHarness.KEY_QUARANTINE,
                    Map.of());
            default -> throw new IllegalArgumentException("no marker event for rule " + rule
                    + "; add one with its cases");
        };
    }

    private static EventBusProbe probeFor(RuleCase ruleCase) {
        TemplateFacts facts = new TemplateFacts(harness.template, harness.aws,
                ruleCase.parameters());
        return EventBusProbe.create(harness.aws, Json.write(facts.eventPattern(ruleCase.rule())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("arriving")
    void eventArrivesThroughTheRule(RuleCase ruleCase) {
        try (EventBusProbe probe = probeFor(ruleCase)) {
            ObjectNode event = ruleCase.event();

            String eventId = probe.put(event);

            assertThat(probe.awaitArrival(eventId, DELIVERY_TIMEOUT).get(eventId).path("detail"))
                    .isEqualTo(event.path("detail"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stayingOut")
    void eventStaysOutOfTheRule(RuleCase ruleCase) {
        try (EventBusProbe probe = probeFor(ruleCase)) {
            ObjectNode event = ruleCase.event();

            String eventId = probe.put(event);
            String markerId = probe.put(marker(ruleCase.rule()));

            assertThat(probe.awaitArrival(markerId, DELIVERY_TIMEOUT)).doesNotContainKey(eventId);
        }
    }

    @Test
    void everyTemplateRuleHasCasesThatArriveAndCasesThatStayOut() {
        TemplateFacts facts = new TemplateFacts(harness.template, harness.aws, TEMPLATE_DEFAULTS);

        Map<String, List<Boolean>> outcomesByRule = cases().collect(Collectors.groupingBy(
                RuleCase::rule, Collectors.mapping(RuleCase::arrives, Collectors.toList())));

        assertThat(outcomesByRule.keySet())
                .containsExactlyInAnyOrderElementsOf(facts.present("AWS::Events::Rule").keySet());
        assertThat(outcomesByRule).allSatisfy((rule, outcomes) ->
                assertThat(outcomes).as(rule).contains(true, false));
    }
}
