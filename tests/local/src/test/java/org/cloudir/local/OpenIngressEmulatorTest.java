package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.ProtectedResourceException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.posture.RestoreOpenIngressHandler;
import org.cloudir.posture.RevokeOpenIngressHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Revokes the SSH rules the sample AuthorizeSecurityGroupIngress call opened to everyone in a
 * real security group, leaving its other rules, and authorizes them again on undo.
 */
class OpenIngressEmulatorTest {
    private static final String OPEN_SSH = "cloudtrail-authorize-ssh-from-internet.json";
    private static final String SAMPLE_GROUP = "sg-0123456789abcdef0";
    private static final String SAMPLE_RULE = "sgr-0a1b2c3d4e5f67890";

    private static LocalAws aws;
    private static Env env;
    private static SampleEvents samples;

    @BeforeAll
    static void connect() {
        aws = TestSupport.emulator();
        env = aws.envFor(Map.of());
        samples = new SampleEvents(TestSupport.repositoryRoot());
    }

    @Test
    void revokesExactlyTheRulesTheCallOpenedToEveryoneOnTheAdminPort() {
        String groupId = openGroup(false);

        ActionResult result = revoke(incident(groupId, false));

        assertThat(result.outcome()).isEqualTo(Outcome.DONE);
        assertThat(rules(groupId)).containsExactlyInAnyOrder("tcp 22-22 203.0.113.0/24",
                "tcp 443-443 0.0.0.0/0");
        assertThat(Json.write(result.details().get("revokedRules")))
                .contains("0.0.0.0/0", "::/0", "\"fromPort\":22", "\"description\":\"admin\"");
    }

    @Test
    void undoAuthorizesTheRevokedRulesAgainWithTheirDescriptions() {
        String groupId = openGroup(false);
        Incident incident = incident(groupId, false);
        ActionResult revoked = revoke(incident);

        ActionResult restored = restore(incident, revoked);
        ActionResult again = restore(incident, revoked);

        assertThat(rules(groupId)).containsExactlyInAnyOrder("tcp 22-22 0.0.0.0/0",
                "tcp 22-22 ::/0", "tcp 22-22 203.0.113.0/24", "tcp 443-443 0.0.0.0/0");
        assertThat(describedRules(groupId)).filteredOn(rule -> "0.0.0.0/0".equals(rule
                .cidrIpv4()) && rule.fromPort() == 22).singleElement()
                .satisfies(rule -> assertThat(rule.description()).isEqualTo("admin"));
        assertThat(tags(groupId)).doesNotContainKey("ir:open-ingress-revoked-by");
        assertThat(restored.outcome()).isEqualTo(Outcome.DONE);
        assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_DONE);
    }

    @Test
    void aRepeatRevokesNothingTwiceAndStillRecordsWhatItsUndoNeeds() {
        String groupId = openGroup(false);
        Incident incident = incident(groupId, false);
        revoke(incident);

        ActionResult repeat = revoke(incident);
        restore(incident, repeat);

        assertThat(repeat.outcome()).isEqualTo(Outcome.ALREADY_DONE);
        assertThat(rules(groupId)).contains("tcp 22-22 0.0.0.0/0", "tcp 22-22 ::/0");
    }

    @Test
    void dryRunReportsTheRulesAndChangesNothing() {
        String groupId = openGroup(false);

        ActionResult result = revoke(incident(groupId, true));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(result.summary()).contains("would revoke", "0.0.0.0/0", "::/0");
        assertThat(rules(groupId)).hasSize(4);
        assertThat(tags(groupId)).doesNotContainKey("ir:open-ingress-revoked-by");
    }

    @Test
    void refusesAProtectedGroupAndLeavesItsRules() {
        String groupId = openGroup(true);

        assertThatThrownBy(() -> revoke(incident(groupId, false)))
                .isInstanceOf(ProtectedResourceException.class)
                .hasMessageContaining(groupId);
        assertThat(rules(groupId)).hasSize(4);
    }

    private static ActionResult revoke(Incident incident) {
        return new RevokeOpenIngressHandler(env).handle(LocalHarness.input(incident));
    }

    private static ActionResult restore(Incident incident, ActionResult revoked) {
        ObjectNode input = LocalHarness.input(incident);
        input.set("undo", Json.mapper().valueToTree(revoked));
        return new RestoreOpenIngressHandler(env).handle(input);
    }

    /**
     * Returns the sample call pointed at the group, naming the rule id AWS created for the
     * IPv4 range as its response does; the IPv6 rule is found by protocol, port and range.
     */
    private static Incident incident(String groupId, boolean dryRun) {
        String ruleId = describedRules(groupId).stream()
                .filter(rule -> "0.0.0.0/0".equals(rule.cidrIpv4()) && rule.fromPort() == 22)
                .map(SecurityGroupRule::securityGroupRuleId).findFirst().orElseThrow();
        ObjectNode event = samples.load(OPEN_SSH, Map.of(SAMPLE_GROUP, groupId,
                SAMPLE_RULE, ruleId));
        ObjectNode range = (ObjectNode) event.at(
                "/detail/requestParameters/ipPermissions/items/0/ipRanges/items/0");
        range.put("description", "admin");
        return LocalHarness.triage(event, dryRun);
    }

    /** Creates a group with SSH open to everyone (the call) and two rules that must stay. */
    private static String openGroup(boolean protectedGroup) {
        String name = "it-open-" + LocalHarness.shortRandom();
        String groupId = aws.ec2.createSecurityGroup(request -> request.groupName(name)
                .description("open admin port test")).groupId();
        if (protectedGroup) {
            aws.ec2.createTags(request -> request.resources(groupId)
                    .tags(tag -> tag.key("ir:protected").value("true")));
        }
        aws.ec2.authorizeSecurityGroupIngress(request -> request.groupId(groupId).ipPermissions(
                IpPermission.builder().ipProtocol("tcp").fromPort(22).toPort(22)
                        .ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").description("admin")
                                .build())
                        .ipv6Ranges(Ipv6Range.builder().cidrIpv6("::/0").build()).build(),
                IpPermission.builder().ipProtocol("tcp").fromPort(22).toPort(22)
                        .ipRanges(IpRange.builder().cidrIp("203.0.113.0/24").build()).build(),
                IpPermission.builder().ipProtocol("tcp").fromPort(443).toPort(443)
                        .ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build()).build()));
        return groupId;
    }

    private static List<SecurityGroupRule> describedRules(String groupId) {
        return aws.ec2.describeSecurityGroupRules(request -> request.filters(Filter.builder()
                        .name("group-id").values(groupId).build())).securityGroupRules().stream()
                .filter(rule -> !rule.isEgress())
                .toList();
    }

    private static List<String> rules(String groupId) {
        return describedRules(groupId).stream()
                .map(rule -> rule.ipProtocol() + " " + rule.fromPort() + "-" + rule.toPort() + " "
                        + (rule.cidrIpv4() != null ? rule.cidrIpv4() : rule.cidrIpv6()))
                .toList();
    }

    private static Map<String, String> tags(String groupId) {
        return aws.ec2.describeSecurityGroups(request -> request.groupIds(groupId))
                .securityGroups().get(0).tags().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value));
    }
}
