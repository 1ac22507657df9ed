package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.core.Json;
import org.cloudir.core.triage.Catalogue;
import org.cloudir.core.triage.RulePatterns;
import org.junit.jupiter.api.Test;

/**
 * Fails when template.yaml's EventBridge rules and the playbook catalogue drift apart: every
 * rule the catalogue names must exist with exactly the pattern the catalogue generates, feed
 * the triage queue, be allowed by the queue policy, and exist only in us-east-1 when it is for
 * a global service. {@code RulePatterns.main} prints the patterns to paste after a change.
 */
class TemplateRulesMatchCatalogueTest {
    private static final Template TEMPLATE = Template.load(TestSupport.repositoryRoot());
    private static final Catalogue CATALOGUE = Catalogue.bundled();

    @Test
    void everyTemplateRuleFeedingTriageIsGeneratedFromTheCatalogue() {
        List<String> triageRules = new ArrayList<>();
        TEMPLATE.resources("AWS::Events::Rule").forEach((id, rule) -> {
            String targets = String.valueOf(Template.map(rule.get("Properties")).get("Targets"));
            if (targets.contains("TriageQueue")) {
                triageRules.add(id);
            }
        });

        assertThat(triageRules).containsExactlyInAnyOrderElementsOf(expected().keySet());
    }

    @Test
    void guardDutyRulePatternIsTheGeneratedOneForAnyMinSeverity() {
        for (String minSeverity : List.of("7", "4")) {
            JsonNode inTemplate = pattern(CATALOGUE.guardDutyRule(), minSeverity);

            assertThat(inTemplate)
                    .as("%s with MinSeverity %s", CATALOGUE.guardDutyRule(), minSeverity)
                    .isEqualTo(RulePatterns.guardDuty(CATALOGUE, Double.parseDouble(minSeverity)));
        }
    }

    @Test
    void cloudTrailRulePatternsAreTheGeneratedOnes() {
        RulePatterns.cloudTrail(CATALOGUE).forEach((rule, generated) ->
                assertThat(pattern(rule, "7"))
                        .as("%s in template.yaml; expected %s", rule, Json.write(generated))
                        .isEqualTo(generated));
    }

    @Test
    void rulesForGlobalServicesExistOnlyInUsEast1() {
        for (Catalogue.CloudTrailEntry entry : CATALOGUE.cloudTrail()) {
            Object condition = TEMPLATE.resource(entry.rule()).get("Condition");

            assertThat(condition).as("Condition of %s", entry.rule())
                    .isEqualTo(entry.global() ? "IsUsEast1" : null);
        }
    }

    @Test
    void queuePolicyAllowsEveryCatalogueRule() {
        String policy = String.valueOf(TestSupport.resolver(TEMPLATE, Map.of())
                .resolve(TEMPLATE.resource("TriageQueuePolicy")));

        for (String rule : expected().keySet()) {
            assertThat(policy).as("TriageQueuePolicy names %s", rule)
                    .contains("arn:aws:local:" + rule + ":Arn");
        }
    }

    @Test
    void readmeListsEveryCatalogueTriggerWithItsPlaybook() throws IOException {
        String readme = Files.readString(
                TestSupport.repositoryRoot().resolve("README.md"));

        for (Catalogue.GuardDutyEntry entry : CATALOGUE.guardDuty()) {
            for (String type : entry.findingTypes()) {
                assertThat(readme).as("README names %s", type).contains("`" + type + "`");
            }
            assertThat(readme).contains("| " + entry.playbook().wireName() + " |");
        }
        for (Catalogue.CloudTrailEntry entry : CATALOGUE.cloudTrail()) {
            for (String name : entry.eventNames()) {
                assertThat(readme).as("README names %s", name).contains("`" + name + "`");
            }
            assertThat(readme).contains("| " + entry.rule() + " |");
        }
    }

    private static Map<String, ObjectNode> expected() {
        Map<String, ObjectNode> patterns = new LinkedHashMap<>();
        patterns.put(CATALOGUE.guardDutyRule(), RulePatterns.guardDuty(CATALOGUE, 7));
        patterns.putAll(RulePatterns.cloudTrail(CATALOGUE));
        return patterns;
    }

    private static JsonNode pattern(String rule, String minSeverity) {
        Resolver resolver = TestSupport.resolver(TEMPLATE, Map.of("MinSeverity", minSeverity));
        Object resolved = resolver.resolve(Template.map(TEMPLATE.resource(rule)
                .get("Properties")).get("EventPattern"));
        return resolved instanceof String text ? Json.parse(text, rule + " pattern")
                : Json.mapper().valueToTree(resolved);
    }
}
