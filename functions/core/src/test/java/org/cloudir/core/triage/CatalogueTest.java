package org.cloudir.core.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cloudir.core.CatalogueException;
import org.cloudir.core.model.Playbook;
import org.junit.jupiter.api.Test;

class CatalogueTest {
    private static final String WINDOW = "\"incidentWindowHours\": 24, \"guardDutyRule\": \"R\"";

    @Test
    void bundledCatalogueLoadsWithEveryFamily() {
        Catalogue catalogue = Catalogue.bundled();

        assertThat(catalogue.guardDuty()).extracting(Catalogue.GuardDutyEntry::playbook)
                .contains(Playbook.CONTAIN_INSTANCE, Playbook.DISABLE_ACCESS_KEY,
                        Playbook.NOTIFY_ONLY, Playbook.BLOCK_S3_PUBLIC_ACCESS);
        assertThat(catalogue.cloudTrail()).extracting(Catalogue.CloudTrailEntry::playbook)
                .contains(Playbook.RESTORE_LOGGING, Playbook.REVIEW_PRINCIPAL,
                        Playbook.REVOKE_OPEN_INGRESS);
        assertThat(catalogue.incidentWindow().toHours()).isEqualTo(24);
    }

    @Test
    void playbookTheMachineCannotRunMustBeGated() {
        String json = "{" + WINDOW + ", \"guardduty\": [{\"name\": \"s3\", \"findingTypes\":"
                + " [\"Policy:S3/*\"], \"severityFloor\": 0, \"playbook\":"
                + " \"block-s3-public-access\", \"mode\": \"automatic\"}]}";

        assertThatThrownBy(() -> Catalogue.parse(json))
                .isInstanceOf(CatalogueException.class)
                .hasMessageContaining("guardduty entry 's3'")
                .hasMessageContaining("must be gated");
    }

    @Test
    void catchAllFindingTypeIsRefused() {
        String json = "{" + WINDOW + ", \"guardduty\": [{\"name\": \"all\", \"findingTypes\":"
                + " [\"*\"], \"severityFloor\": 0, \"playbook\": \"contain-instance\","
                + " \"mode\": \"automatic\"}]}";

        assertThatThrownBy(() -> Catalogue.parse(json))
                .isInstanceOf(CatalogueException.class)
                .hasMessageContaining("'*'");
    }

    @Test
    void suppressionWithoutConditionIsRefused() {
        String json = "{" + WINDOW + ", \"suppressions\": [{\"name\": \"everything\","
                + " \"reason\": \"quiet\"}]}";

        assertThatThrownBy(() -> Catalogue.parse(json))
                .isInstanceOf(CatalogueException.class)
                .hasMessageContaining("suppression 'everything'")
                .hasMessageContaining("no condition");
    }

    @Test
    void unknownPlaybookIsNamed() {
        String json = "{" + WINDOW + ", \"guardduty\": [{\"name\": \"x\", \"findingTypes\":"
                + " [\"Backdoor:EC2/*\"], \"severityFloor\": 0, \"playbook\": \"wipe-disk\","
                + " \"mode\": \"gated\"}]}";

        assertThatThrownBy(() -> Catalogue.parse(json))
                .isInstanceOf(CatalogueException.class)
                .hasMessageContaining("wipe-disk");
    }

    @Test
    void entriesSharingARuleMustShareItsPattern() {
        String entry = "{\"name\": \"%s\", \"rule\": \"R1\", \"eventSource\":"
                + " \"iam.amazonaws.com\", \"eventNames\": [\"CreateUser\"], %s \"severity\": 5,"
                + " \"playbook\": \"notify-only\", \"mode\": \"automatic\"}";
        String json = "{" + WINDOW + ", \"cloudtrail\": [" + entry.formatted("a", "")
                + ", " + entry.formatted("b", "\"match\": {\"userIdentity\": {\"type\":"
                + " [\"Root\"]}},") + "]}";

        assertThatThrownBy(() -> Catalogue.parse(json))
                .isInstanceOf(CatalogueException.class)
                .hasMessageContaining("share rule R1");
    }

    @Test
    void unsupportedPatternOperatorIsNamed() {
        String json = "{" + WINDOW + ", \"guardduty\": [{\"name\": \"x\", \"findingTypes\":"
                + " [\"Backdoor:EC2/*\"], \"severityFloor\": 0, \"match\": {\"service\":"
                + " {\"resourceRole\": [{\"cidr\": \"10.0.0.0/8\"}]}}, \"playbook\":"
                + " \"notify-only\", \"mode\": \"automatic\"}]}";

        assertThatThrownBy(() -> Catalogue.parse(json))
                .isInstanceOf(CatalogueException.class)
                .hasMessageContaining("operator 'cidr'");
    }
}
