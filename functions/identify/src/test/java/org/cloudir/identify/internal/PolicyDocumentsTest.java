package org.cloudir.identify.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PolicyDocumentsTest {

    @Test
    void urlEncodedDocumentAsIamReturnsItIsRead() {
        String encoded = URLEncoder.encode("{\"Statement\": {\"Effect\": \"Allow\","
                + " \"Action\": \"*\", \"Resource\": \"*\"}}", StandardCharsets.UTF_8);

        assertThat(PolicyDocuments.grantsOfEverything(PolicyDocuments.parse(encoded, "p")))
                .containsExactly("statement #1 allows * on *");
    }

    @Test
    void listsAndServiceWildcardsCountAndConditionsAreNamed() {
        String document = "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\","
                + " \"Resource\": \"*\"}, {\"Sid\": \"All\", \"Effect\": \"Allow\", \"Action\":"
                + " [\"ec2:DescribeInstances\", \"*:*\"], \"Resource\": [\"*\"], \"Condition\":"
                + " {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}}}]}";

        assertThat(PolicyDocuments.grantsOfEverything(PolicyDocuments.parse(document, "p")))
                .containsExactly("statement 'All' allows * on * (under a condition)");
    }

    @Test
    void denyOrNarrowResourceIsNoGrantOfEverything() {
        String document = "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"*\","
                + " \"Resource\": \"*\"}, {\"Effect\": \"Allow\", \"Action\": \"*\","
                + " \"Resource\": \"arn:aws:s3:::logs/*\"}]}";

        assertThat(PolicyDocuments.grantsOfEverything(PolicyDocuments.parse(document, "p")))
                .isEmpty();
    }

    @Test
    void awsManagedAdministratorAccessIsKnownByArnInEveryPartition() {
        assertThat(PolicyDocuments.isAdministratorAccess(
                "arn:aws:iam::aws:policy/AdministratorAccess")).isTrue();
        assertThat(PolicyDocuments.isAdministratorAccess(
                "arn:aws-us-gov:iam::aws:policy/AdministratorAccess")).isTrue();
        assertThat(PolicyDocuments.isAdministratorAccess(
                "arn:aws:iam::123456789012:policy/AdministratorAccess")).isFalse();
        assertThat(PolicyDocuments.isAdministratorAccess(
                "arn:aws:iam::aws:policy/AdministratorAccess-Amplify")).isFalse();
    }
}
