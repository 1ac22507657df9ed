package org.cloudir.core.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.Incident;
import org.junit.jupiter.api.Test;

class TargetsTest {
    private static final String PUT_BUCKET_POLICY = "cloudtrail-put-bucket-policy.json";
    private static final String BUCKET_FINDING = "guardduty-s3-bucket-public-access-granted.json";
    private static final String STOP_LOGGING = "cloudtrail-stop-logging.json";
    private static final String LOGGING_DISABLED = "guardduty-cloudtrail-logging-disabled.json";
    private static final String DELETE_DETECTOR = "cloudtrail-delete-detector.json";
    private static final String DISABLE_HUB = "cloudtrail-disable-security-hub.json";
    private static final String OPEN_SSH = "cloudtrail-authorize-ssh-from-internet.json";

    private final EventParser parser = new EventParser();

    @Test
    void bucketCallNamesTheBucketAndTheCall() {
        Finding finding = parser.parse(Fixtures.text(PUT_BUCKET_POLICY));

        assertThat(finding.target()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "bucketName", "drill-reports-example", "api", "PutBucketPolicy"));
    }

    @Test
    void roleSessionFindingNamesTheRoleWhoseSessionsToCut() {
        Finding finding = parser.parse(Fixtures.text("invalid/guardduty-role-credentials.json"));

        assertThat(finding.target()).containsExactly(Map.entry("roleName", "drill-web-role"));
    }

    @Test
    void userKeyFindingNamesNoRole() {
        Finding finding = parser.parse(Fixtures.text("guardduty-iam-malicious-ip.json"));

        assertThat(finding.target()).doesNotContainKey("roleName");
    }

    @Test
    void bucketFindingNamesItsFirstBucket() {
        Finding finding = parser.parse(Fixtures.text(BUCKET_FINDING));

        assertThat(finding.target()).containsEntry("bucketName", "drill-reports-example");
    }

    @Test
    void stopLoggingNamesTheTrailAsTheCallGaveIt() {
        Finding finding = parser.parse(Fixtures.text(STOP_LOGGING));

        assertThat(finding.target()).containsEntry("api", "StopLogging").containsEntry(
                "trailName", "arn:aws:cloudtrail:us-east-1:123456789012:trail/drill-trail");
    }

    @Test
    void updateTrailListsTheNamesOfTheSettingsItChanged() {
        ObjectNode event = Fixtures.json(STOP_LOGGING);
        Fixtures.object(event, "detail").put("eventName", "UpdateTrail");
        Fixtures.object(event, "detail.requestParameters").put("s3BucketName", "elsewhere")
                .put("enableLogFileValidation", false);

        Finding finding = parser.parse(Fixtures.write(event));

        assertThat(finding.target()).containsEntry("api", "UpdateTrail")
                .containsEntry("changedSettings", List.of("s3BucketName",
                        "enableLogFileValidation"));
    }

    @Test
    void loggingDisabledFindingNamesTheCallAndTheAffectedTrail() {
        Finding finding = parser.parse(Fixtures.text(LOGGING_DISABLED));

        assertThat(finding.target()).containsEntry("api", "StopLogging").containsEntry(
                "trailName", "arn:aws:cloudtrail:us-east-1:123456789012:trail/drill-trail");
    }

    @Test
    void deletedDetectorIsNamed() {
        Finding finding = parser.parse(Fixtures.text(DELETE_DETECTOR));

        assertThat(finding.target()).containsEntry("detectorId",
                "576826ff1dffe3aa75358089a3d0105d").containsEntry("api", "DeleteDetector");
    }

    @Test
    void disabledSecurityHubNamesOnlyTheCall() {
        Finding finding = parser.parse(Fixtures.text(DISABLE_HUB));

        assertThat(finding.target()).containsExactlyEntriesOf(Map.of(
                "api", "DisableSecurityHub"));
    }

    @Test
    void openedIngressListsEachRangeOpenToEveryoneAndTheCreatedRuleIds() {
        Finding finding = parser.parse(Fixtures.text(OPEN_SSH));

        assertThat(finding.target()).containsEntry("groupId", "sg-0123456789abcdef0")
                .containsEntry("ruleIds", List.of("sgr-0a1b2c3d4e5f67890"))
                .containsEntry("openedToEveryone", List.of(
                        Map.of("ipProtocol", "tcp", "fromPort", 22, "toPort", 22,
                                "cidr", "0.0.0.0/0"),
                        Map.of("ipProtocol", "tcp", "fromPort", 22, "toPort", 22,
                                "cidr", "::/0")));
    }

    @Test
    void openedIngressLeavesOutNarrowRangesNamesProtocolNumbersAndKeepsDescriptions() {
        ObjectNode event = Fixtures.json(OPEN_SSH);
        ObjectNode permission = Fixtures.object(event,
                "detail.requestParameters.ipPermissions.items.0");
        permission.put("ipProtocol", 6);
        ObjectNode ranges = Fixtures.object(permission, "ipRanges");
        ranges.putArray("items").addObject().put("cidrIp", "203.0.113.0/24");
        ((ArrayNode) ranges.get("items")).addObject()
                .put("cidrIp", "0.0.0.0/0").put("description", "temporary");
        permission.remove("ipv6Ranges");

        Finding finding = parser.parse(Fixtures.write(event));

        assertThat(finding.target()).containsEntry("openedToEveryone", List.of(
                Map.of("ipProtocol", "tcp", "fromPort", 22, "toPort", 22, "cidr", "0.0.0.0/0",
                        "description", "temporary")));
    }

    @Test
    void allTrafficPermissionHasNoPorts() {
        ObjectNode event = Fixtures.json(OPEN_SSH);
        ObjectNode permission = Fixtures.object(event,
                "detail.requestParameters.ipPermissions.items.0");
        permission.put("ipProtocol", "-1");
        permission.remove(List.of("fromPort", "toPort", "ipv6Ranges"));

        Finding finding = parser.parse(Fixtures.write(event));

        assertThat(finding.target()).containsEntry("openedToEveryone", List.of(
                Map.of("ipProtocol", "-1", "fromPort", -1, "toPort", -1, "cidr", "0.0.0.0/0")));
    }

    @Test
    void refusesABucketNameThatIsNoBucketName() {
        ObjectNode event = Fixtures.json(PUT_BUCKET_POLICY);
        Fixtures.object(event, "detail.requestParameters").put("bucketName", "../etc/passwd");

        assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("detail.requestParameters.bucketName")
                .hasMessageContaining("an S3 bucket name");
    }

    @Test
    void refusesARuleIdThatIsNoRuleId() {
        ObjectNode event = Fixtures.json(OPEN_SSH);
        Fixtures.object(event, "detail.responseElements.securityGroupRuleSet.items.0")
                .put("securityGroupRuleId", "sgr-; rm -rf");

        assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("securityGroupRuleSet.items.0.securityGroupRuleId");
    }

    @Test
    void findingsWithoutTargetKeepTheirEarlierJsonShape() {
        Finding finding = parser.parse(Fixtures.text(Fixtures.BACKDOOR));

        JsonNode json = Json.mapper().valueToTree(finding);

        assertThat(finding.target()).isEmpty();
        assertThat(json.has("target")).isFalse();
    }

    @Test
    void targetSurvivesTriageAndTheExecutionInput() {
        Triage triage = new Triage(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), false);
        Incident triaged = triage.triage(Fixtures.text(OPEN_SSH));
        ObjectNode input = Json.mapper().createObjectNode();
        input.set("incident", Json.mapper().valueToTree(triaged));

        Incident read = IncidentInput.read(input);

        assertThat(read.resource().id()).isEqualTo("security-group/sg-0123456789abcdef0");
        assertThat(read.finding().target()).isEqualTo(triaged.finding().target())
                .containsKey("openedToEveryone");
    }
}
