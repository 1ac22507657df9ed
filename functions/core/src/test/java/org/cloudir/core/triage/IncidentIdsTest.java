package org.cloudir.core.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cloudir.core.model.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IncidentIdsTest {
    private final EventParser parser = new EventParser();

    @Test
    void sameEventTwiceGivesTheSameId() {
        String event = Fixtures.text(Fixtures.BACKDOOR);

        String first = IncidentIds.of(parser.parse(event));
        String second = IncidentIds.of(parser.parse(event));

        assertThat(second).isEqualTo(first);
    }

    @Test
    void updatedDeliveryOfTheSameFindingGivesTheSameId() {
        ObjectNode updated = Fixtures.json(Fixtures.BACKDOOR);
        updated.put("id", "2f7c9d14-58a3-4e0b-9c61-d8e2b5a7f309");
        updated.put("time", "2025-03-14T15:31:02Z");
        Fixtures.object(updated, "detail").put("updatedAt", "2025-03-14T15:30:48.660Z");
        Fixtures.object(updated, "detail.service")
                .put("count", 7)
                .put("eventLastSeen", "2025-03-14T15:22:10.000Z");

        String original = IncidentIds.of(parser.parse(Fixtures.text(Fixtures.BACKDOOR)));
        String redelivered = IncidentIds.of(parser.parse(Fixtures.write(updated)));

        assertThat(redelivered).isEqualTo(original);
    }

    @Test
    void differentInstanceGivesADifferentId() {
        ObjectNode other = Fixtures.json(Fixtures.BACKDOOR);
        Fixtures.object(other, "detail.resource.instanceDetails")
                .put("instanceId", "i-0fedcba9876543210");

        String first = IncidentIds.of(parser.parse(Fixtures.text(Fixtures.BACKDOOR)));
        String second = IncidentIds.of(parser.parse(Fixtures.write(other)));

        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void differentAccountGivesADifferentId() {
        ObjectNode other = Fixtures.json(Fixtures.BACKDOOR);
        Fixtures.object(other, "detail").put("accountId", "210987654321");

        String first = IncidentIds.of(parser.parse(Fixtures.text(Fixtures.BACKDOOR)));
        String second = IncidentIds.of(parser.parse(Fixtures.write(other)));

        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void differentFindingOnTheSameInstanceThatDayJoinsTheIncident() {
        ObjectNode other = Fixtures.json(Fixtures.BACKDOOR);
        Fixtures.object(other, "detail")
                .put("id", "0d4e8a2f6b1c3957e0a8d4f2b6c19375")
                .put("type", "CryptoCurrency:EC2/BitcoinTool.B!DNS");
        Fixtures.object(other, "detail.service").put("eventFirstSeen", "2025-03-14T22:40:00.000Z");

        String first = IncidentIds.of(parser.parse(Fixtures.text(Fixtures.BACKDOOR)));
        String second = IncidentIds.of(parser.parse(Fixtures.write(other)));

        assertThat(second).isEqualTo(first);
    }

    @Test
    void idStartsWithTheUtcDayOfFirstSeen() {
        Finding finding = parser.parse(Fixtures.text(Fixtures.BACKDOOR));

        String id = IncidentIds.of(finding);

        assertThat(id).startsWith("ir-20250314-");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        Fixtures.BACKDOOR, Fixtures.MALICIOUS_IP, Fixtures.SAMPLE, Fixtures.KEY_QUARANTINE,
        Fixtures.OTHER_POLICY, Fixtures.ROLE_CREDENTIALS
    })
    void idIsAValidExecutionName(String fixture) {
        Finding finding = parser.parse(Fixtures.text(fixture));

        String id = IncidentIds.of(finding);

        assertThat(id).hasSizeLessThanOrEqualTo(80).doesNotContain(":", "/");
        assertThat(id).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void roleCredentialFindingsForDifferentRolesGetDifferentIds() {
        ObjectNode otherRole = Fixtures.json(Fixtures.ROLE_CREDENTIALS);
        Fixtures.object(otherRole, "detail").put("id", "7b2e5f90c14a3d68e9f1a0b3c5d7e294");
        Fixtures.object(otherRole, "detail.resource.accessKeyDetails")
                .put("accessKeyId", "ASIAEXAMPLEOTHERROLE")
                .put("principalId", "AROAEXAMPLEOTHERROLE:i-0fedcba9876543210")
                .put("userName", "drill-batch-role");

        String first = IncidentIds.of(parser.parse(Fixtures.text(Fixtures.ROLE_CREDENTIALS)));
        String second = IncidentIds.of(parser.parse(Fixtures.write(otherRole)));

        assertThat(second).isNotEqualTo(first);
    }
}
