package org.cloudir.core.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Playbook;
import org.cloudir.core.model.ResourceType;
import org.cloudir.core.model.SeverityBand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TriageTest {
    private static final Instant NOW = Instant.parse("2025-03-16T15:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final Triage triage = new Triage(CLOCK, false);
    private final Triage dryRunTriage = new Triage(CLOCK, true);

    @Test
    void backdoorOnInstanceGetsContainInstance() {
        String event = Fixtures.text(Fixtures.BACKDOOR);

        Incident incident = triage.triage(event);

        assertThat(incident.playbook()).isEqualTo(Playbook.CONTAIN_INSTANCE);
        assertThat(incident.resource().id()).isEqualTo("i-0123456789abcdef0");
    }

    @Test
    void backdoorAtSeverityEightIsHigh() {
        String event = Fixtures.text(Fixtures.BACKDOOR);

        Incident incident = triage.triage(event);

        assertThat(incident.severityBand()).isEqualTo(SeverityBand.HIGH);
    }

    @Test
    void realFindingIsNeitherDrillNorDryRunByDefault() {
        String event = Fixtures.text(Fixtures.BACKDOOR);

        Incident incident = triage.triage(event);

        assertThat(incident.drill()).isFalse();
        assertThat(incident.dryRun()).isFalse();
    }

    @Test
    void realFindingIsDryRunWhenDryRunIsTheDefault() {
        String event = Fixtures.text(Fixtures.BACKDOOR);

        Incident incident = dryRunTriage.triage(event);

        assertThat(incident.drill()).isFalse();
        assertThat(incident.dryRun()).isTrue();
    }

    @Test
    void maliciousIpCallerWithUsersKeyGetsDisableAccessKey() {
        String event = Fixtures.text(Fixtures.MALICIOUS_IP);

        Incident incident = triage.triage(event);

        assertThat(incident.playbook()).isEqualTo(Playbook.DISABLE_ACCESS_KEY);
        assertThat(incident.resource().id()).isEqualTo("AKIAIOSFODNN7EXAMPLE");
        assertThat(incident.resource().userName()).isEqualTo("drill-user");
    }

    @Test
    void maliciousIpCallerAtSeverityFiveIsMedium() {
        String event = Fixtures.text(Fixtures.MALICIOUS_IP);

        Incident incident = triage.triage(event);

        assertThat(incident.severityBand()).isEqualTo(SeverityBand.MEDIUM);
    }

    @Test
    void sampleFindingIsADrill() {
        String event = Fixtures.text(Fixtures.SAMPLE);

        Incident incident = triage.triage(event);

        assertThat(incident.drill()).isTrue();
        assertThat(incident.playbook()).isEqualTo(Playbook.CONTAIN_INSTANCE);
        assertThat(incident.severityBand()).isEqualTo(SeverityBand.HIGH);
    }

    @Test
    void sampleFindingIsAlwaysDryRunEvenWhenDryRunIsOff() {
        String event = Fixtures.text(Fixtures.SAMPLE);

        Incident incident = triage.triage(event);

        assertThat(incident.dryRun()).isTrue();
    }

    @Test
    void sampleFindingIsDryRunWhenDryRunIsTheDefault() {
        String event = Fixtures.text(Fixtures.SAMPLE);

        Incident incident = dryRunTriage.triage(event);

        assertThat(incident.dryRun()).isTrue();
    }

    @Test
    void keyQuarantineGetsDisableAccessKeyForEveryKeyOfTheUser() {
        String event = Fixtures.text(Fixtures.KEY_QUARANTINE);

        Incident incident = triage.triage(event);

        assertThat(incident.playbook()).isEqualTo(Playbook.DISABLE_ACCESS_KEY);
        assertThat(incident.resource().id()).isNull();
        assertThat(incident.resource().userName()).isEqualTo("drill-user");
    }

    @Test
    void keyQuarantineIsHighAndNotADrill() {
        String event = Fixtures.text(Fixtures.KEY_QUARANTINE);

        Incident incident = triage.triage(event);

        assertThat(incident.severityBand()).isEqualTo(SeverityBand.HIGH);
        assertThat(incident.drill()).isFalse();
        assertThat(incident.dryRun()).isFalse();
    }

    @Test
    void otherManagedPolicyIsNotifyOnlyAndLow() {
        String event = Fixtures.text(Fixtures.OTHER_POLICY);

        Incident incident = triage.triage(event);

        assertThat(incident.playbook()).isEqualTo(Playbook.NOTIFY_ONLY);
        assertThat(incident.severityBand()).isEqualTo(SeverityBand.LOW);
    }

    @Test
    void roleCredentialExfiltrationIsNotifyOnly() {
        String event = Fixtures.text(Fixtures.ROLE_CREDENTIALS);

        Incident incident = triage.triage(event);

        assertThat(incident.playbook()).isEqualTo(Playbook.NOTIFY_ONLY);
        assertThat(incident.resource().type()).isEqualTo(ResourceType.OTHER);
        assertThat(incident.severityBand()).isEqualTo(SeverityBand.HIGH);
    }

    @Test
    void triagedAtComesFromTheClock() {
        String event = Fixtures.text(Fixtures.BACKDOOR);

        Incident incident = triage.triage(event);

        assertThat(incident.triagedAt()).isEqualTo(NOW);
    }

    @Test
    void incidentCarriesTheParsedFindingAndItsId() {
        String event = Fixtures.text(Fixtures.BACKDOOR);

        Incident incident = triage.triage(event);

        assertThat(incident.finding()).isEqualTo(new EventParser().parse(event));
        assertThat(incident.resource()).isEqualTo(incident.finding().resource());
        assertThat(incident.incidentId()).isEqualTo(IncidentIds.of(incident.finding()));
    }

    @ParameterizedTest
    @CsvSource({
        "0.0, LOW", "3.9, LOW", "4.0, MEDIUM", "6.9, MEDIUM",
        "7.0, HIGH", "8.9, HIGH", "9.0, CRITICAL", "10.0, CRITICAL"
    })
    void severityFallsIntoGuardDutysBands(double severity, SeverityBand band) {
        ObjectNode event = Fixtures.json(Fixtures.BACKDOOR);
        Fixtures.object(event, "detail").put("severity", severity);

        Incident incident = triage.triage(Fixtures.write(event));

        assertThat(incident.severityBand()).isEqualTo(band);
    }

    @Test
    void malformedEventFailsTriage() {
        String event = Fixtures.text(Fixtures.MISSING_INSTANCE_ID);

        assertThatThrownBy(() -> triage.triage(event))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("detail.resource.instanceDetails.instanceId");
    }
}
