package org.cloudir.core.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.ResourceType;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventParserTest {
    private final EventParser parser = new EventParser();

    @Nested
    class BackdoorFinding {
        private final Finding finding = parser.parse(Fixtures.text(Fixtures.BACKDOOR));

        @Test
        void readsSourceTypeAndId() {
            assertThat(finding.source()).isEqualTo("guardduty");
            assertThat(finding.type()).isEqualTo("Backdoor:EC2/C&CActivity.B");
            assertThat(finding.id()).isEqualTo("8c5ce661fa52ae64631a7aae8d30f097");
        }

        @Test
        void readsSeverityAndTitle() {
            assertThat(finding.severity()).isEqualTo(8.0);
            assertThat(finding.title()).startsWith("C&C activity from EC2 instance");
        }

        @Test
        void readsAccountAndRegionFromDetail() {
            assertThat(finding.accountId()).isEqualTo("123456789012");
            assertThat(finding.region()).isEqualTo("us-east-1");
        }

        @Test
        void namesTheInstanceAsResource() {
            assertThat(finding.resource().type()).isEqualTo(ResourceType.INSTANCE);
            assertThat(finding.resource().id()).isEqualTo("i-0123456789abcdef0");
            assertThat(finding.resource().userName()).isNull();
        }

        @Test
        void takesFirstAndLastSeenFromTheServiceBlock() {
            assertThat(finding.firstSeen()).isEqualTo(Instant.parse("2025-03-14T09:12:05Z"));
            assertThat(finding.lastSeen()).isEqualTo(Instant.parse("2025-03-14T09:41:47Z"));
        }

        @Test
        void readsCountAndIsNotASample() {
            assertThat(finding.count()).isEqualTo(1);
            assertThat(finding.sample()).isFalse();
        }
    }

    @Nested
    class MaliciousIpFinding {
        private final Finding finding = parser.parse(Fixtures.text(Fixtures.MALICIOUS_IP));

        @Test
        void readsTypeIdAndSeverity() {
            assertThat(finding.type()).isEqualTo("UnauthorizedAccess:IAMUser/MaliciousIPCaller");
            assertThat(finding.id()).isEqualTo("f57e996910fcfa0ed8434834403ed182");
            assertThat(finding.severity()).isEqualTo(5.0);
        }

        @Test
        void readsAccountAndRegion() {
            assertThat(finding.accountId()).isEqualTo("123456789012");
            assertThat(finding.region()).isEqualTo("us-east-1");
        }

        @Test
        void namesTheUsersLongTermKeyAsResource() {
            assertThat(finding.resource().type()).isEqualTo(ResourceType.ACCESS_KEY);
            assertThat(finding.resource().id()).isEqualTo("AKIAIOSFODNN7EXAMPLE");
            assertThat(finding.resource().userName()).isEqualTo("drill-user");
        }

        @Test
        void readsCountFirstSeenAndSampleFlag() {
            assertThat(finding.count()).isEqualTo(3);
            assertThat(finding.firstSeen()).isEqualTo(Instant.parse("2025-03-14T10:55:14Z"));
            assertThat(finding.sample()).isFalse();
        }
    }

    @Nested
    class SampleFinding {
        private final Finding finding = parser.parse(Fixtures.text(Fixtures.SAMPLE));

        @Test
        void readsTypeIdAndSeverity() {
            assertThat(finding.type()).isEqualTo("CryptoCurrency:EC2/BitcoinTool.B!DNS");
            assertThat(finding.id()).isEqualTo("56bd264f210bf77440928ca1bd2d69c9");
            assertThat(finding.severity()).isEqualTo(8.0);
        }

        @Test
        void acceptsTheMadeUpSampleInstanceId() {
            assertThat(finding.resource().type()).isEqualTo(ResourceType.INSTANCE);
            assertThat(finding.resource().id()).isEqualTo("i-99999999");
        }

        @Test
        void isMarkedAsSample() {
            assertThat(finding.sample()).isTrue();
        }

        @Test
        void readsAccountRegionCountAndFirstSeen() {
            assertThat(finding.accountId()).isEqualTo("123456789012");
            assertThat(finding.region()).isEqualTo("us-east-1");
            assertThat(finding.count()).isEqualTo(1);
            assertThat(finding.firstSeen()).isEqualTo(Instant.parse("2025-03-15T07:59:58Z"));
        }

        @Test
        void isMarkedAsSampleWhenTheFlagIsAJsonStringInValue() {
            ObjectNode event = Fixtures.json(Fixtures.SAMPLE);
            Fixtures.object(event, "detail.service").putObject("additionalInfo")
                    .put("value", "{\"sample\":true}")
                    .put("type", "default");

            Finding parsed = parser.parse(Fixtures.write(event));

            assertThat(parsed.sample()).isTrue();
        }
    }

    @Nested
    class KeyQuarantineEvent {
        private final Finding finding = parser.parse(Fixtures.text(Fixtures.KEY_QUARANTINE));

        @Test
        void readsSourceTypeAndEventId() {
            assertThat(finding.source()).isEqualTo("cloudtrail");
            assertThat(finding.type()).isEqualTo("CloudTrail:iam.amazonaws.com/AttachUserPolicy");
            assertThat(finding.id()).isEqualTo("6085e12b-694b-41d7-8f7b-ced005bcbae3");
        }

        @Test
        void ratesTheKeyLeakAtTheFixedSeverity() {
            assertThat(finding.severity()).isEqualTo(EventParser.KEY_LEAK_SEVERITY);
            assertThat(finding.title()).contains("drill-user");
        }

        @Test
        void readsAccountFromEnvelopeAndRegionFromDetail() {
            assertThat(finding.accountId()).isEqualTo("123456789012");
            assertThat(finding.region()).isEqualTo("us-east-1");
        }

        @Test
        void namesEveryKeyOfTheQuarantinedUser() {
            assertThat(finding.resource().type()).isEqualTo(ResourceType.ACCESS_KEY);
            assertThat(finding.resource().id()).isNull();
            assertThat(finding.resource().userName()).isEqualTo("drill-user");
        }

        @Test
        void takesFirstSeenFromEventTimeWithCountOneAndNoSample() {
            assertThat(finding.firstSeen()).isEqualTo(Instant.parse("2025-03-16T13:21:59Z"));
            assertThat(finding.lastSeen()).isEqualTo(finding.firstSeen());
            assertThat(finding.count()).isEqualTo(1);
            assertThat(finding.sample()).isFalse();
        }

        @Test
        void treatsAnEarlierQuarantinePolicyVersionAsAKeyLeak() {
            ObjectNode event = Fixtures.json(Fixtures.KEY_QUARANTINE);
            Fixtures.object(event, "detail.requestParameters")
                    .put("policyArn", "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2");

            Finding parsed = parser.parse(Fixtures.write(event));

            assertThat(parsed.resource().type()).isEqualTo(ResourceType.ACCESS_KEY);
        }

        @Test
        void doesNotTreatAFailedQuarantineAttachAsAKeyLeak() {
            ObjectNode event = Fixtures.json(Fixtures.KEY_QUARANTINE);
            Fixtures.object(event, "detail")
                    .put("errorCode", "AccessDenied")
                    .put("errorMessage", "User is not authorized to perform iam:AttachUserPolicy");

            Finding parsed = parser.parse(Fixtures.write(event));

            assertThat(parsed.resource().type()).isEqualTo(ResourceType.OTHER);
        }
    }

    @Nested
    class NearMisses {
        @Test
        void otherManagedPolicyIsNotAKeyLeak() {
            String event = Fixtures.text(Fixtures.OTHER_POLICY);

            Finding finding = parser.parse(event);

            assertThat(finding.resource().type()).isEqualTo(ResourceType.OTHER);
            assertThat(finding.resource().userName()).isNull();
            assertThat(finding.severity()).isZero();
        }

        @Test
        void roleSessionCredentialsAreNotADisableableKey() {
            String event = Fixtures.text(Fixtures.ROLE_CREDENTIALS);

            Finding finding = parser.parse(event);

            assertThat(finding.type()).endsWith("/InstanceCredentialExfiltration.OutsideAWS");
            assertThat(finding.resource().type()).isEqualTo(ResourceType.OTHER);
            assertThat(finding.severity()).isEqualTo(8.0);
        }

        @Test
        void longTermKeyOfARootUserIsNotADisableableKey() {
            ObjectNode event = Fixtures.json(Fixtures.MALICIOUS_IP);
            Fixtures.object(event, "detail.resource.accessKeyDetails").put("userType", "Root");

            Finding finding = parser.parse(Fixtures.write(event));

            assertThat(finding.resource().type()).isEqualTo(ResourceType.OTHER);
        }

        @Test
        void sampleIamFindingWithGeneratedPlaceholdersParsesAsSample() {
            ObjectNode event = Fixtures.json(Fixtures.MALICIOUS_IP);
            Fixtures.object(event, "detail.resource.accessKeyDetails")
                    .put("accessKeyId", "GeneratedFindingAccessKeyId")
                    .put("principalId", "GeneratedFindingPrincipalId")
                    .put("userName", "GeneratedFindingUserName");
            Fixtures.object(event, "detail.service").putObject("additionalInfo")
                    .put("sample", true);

            Finding finding = parser.parse(Fixtures.write(event));

            assertThat(finding.sample()).isTrue();
        }

        @Test
        void missingServiceCountCountsAsOne() {
            ObjectNode event = Fixtures.json(Fixtures.BACKDOOR);
            Fixtures.object(event, "detail.service").remove("count");

            Finding finding = parser.parse(Fixtures.write(event));

            assertThat(finding.count()).isEqualTo(1);
        }

        @Test
        void missingEventFirstSeenFallsBackToCreatedAt() {
            ObjectNode event = Fixtures.json(Fixtures.BACKDOOR);
            Fixtures.object(event, "detail.service").remove("eventFirstSeen");

            Finding finding = parser.parse(Fixtures.write(event));

            assertThat(finding.firstSeen()).isEqualTo(Instant.parse("2025-03-14T09:18:33.512Z"));
        }

        @Test
        void otherResourceTypeIsNamedByItsType() {
            ObjectNode event = Fixtures.json(Fixtures.BACKDOOR);
            ObjectNode resource = Fixtures.object(event, "detail.resource");
            resource.removeAll();
            resource.put("resourceType", "S3Bucket");

            Finding finding = parser.parse(Fixtures.write(event));

            assertThat(finding.resource().type()).isEqualTo(ResourceType.OTHER);
        }
    }

    @Nested
    class MalformedEvents {
        @Test
        void instanceFindingWithoutInstanceIdNamesTheField() {
            String event = Fixtures.text(Fixtures.MISSING_INSTANCE_ID);

            assertThatThrownBy(() -> parser.parse(event))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("detail.resource.instanceDetails.instanceId")
                    .hasMessageContaining("54117763c5f23c1677478129ec90c5dd");
        }

        @Test
        void severityGivenAsTextNamesTheField() {
            String event = Fixtures.text(Fixtures.BAD_SEVERITY);

            assertThatThrownBy(() -> parser.parse(event))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.severity'")
                    .hasMessageContaining("a number");
        }

        @ParameterizedTest
        @ValueSource(doubles = {-0.5, 10.5, 80})
        void severityOutsideGuardDutysScaleNamesTheField(double severity) {
            ObjectNode event = Fixtures.json(Fixtures.BACKDOOR);
            Fixtures.object(event, "detail").put("severity", severity);

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.severity'");
        }

        @Test
        void truncatedJsonIsRejected() {
            String event = Fixtures.text(Fixtures.NOT_JSON);

            assertThatThrownBy(() -> parser.parse(event))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("not valid JSON");
        }

        @Test
        void emptyTextIsRejected() {
            String event = "";

            assertThatThrownBy(() -> parser.parse(event))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("empty");
        }

        @Test
        void jsonArrayIsRejected() {
            String event = "[" + Fixtures.text(Fixtures.BACKDOOR) + "]";

            assertThatThrownBy(() -> parser.parse(event))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("JSON object");
        }

        @Test
        void missingDetailTypeNamesTheField() {
            ObjectNode event = Fixtures.json(Fixtures.BACKDOOR);
            event.remove("detail-type");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail-type'");
        }

        @Test
        void unsupportedDetailTypeIsNamed() {
            ObjectNode event = Fixtures.json(Fixtures.BACKDOOR);
            event.put("detail-type", "EC2 Instance State-change Notification");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("detail-type")
                    .hasMessageContaining("EC2 Instance State-change Notification");
        }

        @Test
        void missingResourceTypeNamesTheField() {
            ObjectNode event = Fixtures.json(Fixtures.BACKDOOR);
            Fixtures.object(event, "detail.resource").remove("resourceType");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.resource.resourceType'");
        }

        @Test
        void firstSeenThatIsNotATimeNamesTheField() {
            ObjectNode event = Fixtures.json(Fixtures.BACKDOOR);
            Fixtures.object(event, "detail.service").put("eventFirstSeen", "yesterday");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.service.eventFirstSeen'")
                    .hasMessageContaining("ISO-8601");
        }

        @Test
        void missingFindingIdNamesTheField() {
            ObjectNode event = Fixtures.json(Fixtures.BACKDOOR);
            Fixtures.object(event, "detail").remove("id");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.id'");
        }

        @Test
        void quarantineWithoutUserNameNamesTheField() {
            ObjectNode event = Fixtures.json(Fixtures.KEY_QUARANTINE);
            Fixtures.object(event, "detail.requestParameters").remove("userName");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.requestParameters.userName'");
        }

        @Test
        void cloudTrailEventWithoutEventTimeNamesTheField() {
            ObjectNode event = Fixtures.json(Fixtures.KEY_QUARANTINE);
            Fixtures.object(event, "detail").remove("eventTime");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.eventTime'");
        }
    }

    @Nested
    class HostileValues {
        @ParameterizedTest
        @ValueSource(strings = {
            "i-0123456789abcdef0; aws ec2 terminate-instances",
            "i-0123456789abcdef0$(reboot)",
            "i-0123456789abcdef0`id`",
            "i-0123456789ABCDEF0",
            "../i-0123456789abcdef0",
            "i-0123456789abcdef0\n"
        })
        void instanceIdWithForeignCharactersIsRejectedNamingTheField(String instanceId) {
            ObjectNode event = Fixtures.json(Fixtures.BACKDOOR);
            Fixtures.object(event, "detail.resource.instanceDetails").put("instanceId", instanceId);

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.resource.instanceDetails.instanceId'");
        }

        @Test
        void thirteenDigitAccountIsRejectedNamingTheField() {
            ObjectNode event = Fixtures.json(Fixtures.BACKDOOR);
            Fixtures.object(event, "detail").put("accountId", "1234567890123");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.accountId'")
                    .hasMessageContaining("12-digit");
        }

        @Test
        void thirteenDigitAccountInCloudTrailEnvelopeIsRejectedNamingTheField() {
            ObjectNode event = Fixtures.json(Fixtures.KEY_QUARANTINE);
            event.put("account", "1234567890123");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'account'");
        }

        @Test
        void regionWithShellCharactersIsRejectedNamingTheField() {
            ObjectNode event = Fixtures.json(Fixtures.BACKDOOR);
            Fixtures.object(event, "detail").put("region", "us-east-1;ls");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.region'");
        }

        @Test
        void accessKeyIdWithShellCharactersIsRejectedNamingTheField() {
            ObjectNode event = Fixtures.json(Fixtures.MALICIOUS_IP);
            Fixtures.object(event, "detail.resource.accessKeyDetails")
                    .put("accessKeyId", "AKIAIOSFODNN7EXAMPLE|sh");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.resource.accessKeyDetails.accessKeyId'");
        }

        @Test
        void guardDutyUserNameWithShellCharactersIsRejectedNamingTheField() {
            ObjectNode event = Fixtures.json(Fixtures.MALICIOUS_IP);
            Fixtures.object(event, "detail.resource.accessKeyDetails")
                    .put("userName", "drill-user; rm -rf /");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.resource.accessKeyDetails.userName'");
        }

        @Test
        void quarantinedUserNameWithShellCharactersIsRejectedNamingTheField() {
            ObjectNode event = Fixtures.json(Fixtures.KEY_QUARANTINE);
            Fixtures.object(event, "detail.requestParameters").put("userName", "$(whoami)");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.requestParameters.userName'");
        }

        @Test
        void findingTypeWithSpacesIsRejectedNamingTheField() {
            ObjectNode event = Fixtures.json(Fixtures.BACKDOOR);
            Fixtures.object(event, "detail").put("type", "Backdoor:EC2/C&CActivity.B && curl x");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.type'");
        }

        @Test
        void findingIdWithSlashesIsRejectedNamingTheField() {
            ObjectNode event = Fixtures.json(Fixtures.BACKDOOR);
            Fixtures.object(event, "detail").put("id", "../../finding");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.id'");
        }

        @Test
        void cloudTrailEventIdWithShellCharactersIsRejectedNamingTheField() {
            ObjectNode event = Fixtures.json(Fixtures.KEY_QUARANTINE);
            Fixtures.object(event, "detail").put("eventID", "6085e12b;id");

            assertThatThrownBy(() -> parser.parse(Fixtures.write(event)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'detail.eventID'");
        }
    }
}
