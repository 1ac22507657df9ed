package org.cloudir.core.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Feeds every sample named in {@code events/expectations.json} through the rule patterns the
 * catalogue generates (evaluated here with {@link EventPatterns}; CoverageIT checks the same
 * against the emulator's EventBridge) and through triage, asserting the expected outcome.
 */
class SampleExpectationsTest {
    private static final Clock CLOCK =
            Clock.fixed(Instant.parse("2025-03-18T00:00:00Z"), ZoneOffset.UTC);
    private static final JsonNode EXPECTATIONS =
            Json.parse(Fixtures.text("expectations.json"), "expectations.json");
    private static final Catalogue CATALOGUE = Catalogue.bundled();

    static Stream<String> samples() {
        List<String> names = new ArrayList<>();
        EXPECTATIONS.path("events").fieldNames().forEachRemaining(names::add);
        return names.stream();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sampleReachesExactlyTheExpectedRules(String sample) {
        JsonNode event = Fixtures.json(sample);
        JsonNode expected = EXPECTATIONS.path("events").path(sample);

        TreeSet<String> matched = new TreeSet<>();
        rulePatterns().forEach((rule, pattern) -> {
            if (EventPatterns.matches(pattern, event)) {
                matched.add(rule);
            }
        });

        TreeSet<String> wanted = new TreeSet<>();
        expected.path("rules").forEach(rule -> wanted.add(rule.asText()));
        assertThat(matched).isEqualTo(wanted);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void deliveredSampleGetsTheExpectedTriage(String sample) {
        JsonNode expected = EXPECTATIONS.path("events").path(sample);
        if (expected.path("rules").isEmpty()) {
            return;
        }
        Triage triage = new Triage(CLOCK, false, CATALOGUE);
        String event = Fixtures.text(sample);
        if (expected.path("rejected").asBoolean()) {
            assertThatThrownBy(() -> triage.decide(event))
                    .isInstanceOf(MalformedEventException.class);
            return;
        }

        TriageDecision decision = triage.decide(event);

        if (expected.has("suppressedBy")) {
            assertThat(decision.suppression()).map(Catalogue.Suppression::name)
                    .contains(expected.path("suppressedBy").asText());
            return;
        }
        assertThat(decision.suppressed()).isFalse();
        assertThat(decision.entry()).isEqualTo(expected.path("entry").asText());
        assertThat(decision.incident().playbook().wireName())
                .isEqualTo(expected.path("playbook").asText());
        assertThat(decision.proposedPlaybook().wireName())
                .isEqualTo(expected.path("proposed").asText());
        assertThat(decision.mode().wireName()).isEqualTo(expected.path("mode").asText());
        assertThat(decision.incident().dryRun())
                .isEqualTo(expected.path("dryRun").asBoolean(false));
    }

    private static Map<String, ObjectNode> rulePatterns() {
        Map<String, ObjectNode> patterns = new java.util.LinkedHashMap<>();
        patterns.put(CATALOGUE.guardDutyRule(), RulePatterns.guardDuty(CATALOGUE,
                EXPECTATIONS.path("minSeverity").asDouble()));
        patterns.putAll(RulePatterns.cloudTrail(CATALOGUE));
        return patterns;
    }
}
