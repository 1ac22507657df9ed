package org.cloudir.posture.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.Json;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Calls GuardDuty and Security Hub through their REST-JSON APIs, signed with SigV4 by
 * {@link SignedJsonClient}. Each method is one documented operation: ListDetectors
 * ({@code GET /detector}), GetDetector ({@code GET /detector/{id}}), CreateDetector
 * ({@code POST /detector}), UpdateDetector ({@code POST /detector/{id}}), DescribeHub
 * ({@code GET /accounts}) and EnableSecurityHub ({@code POST /accounts}).
 */
public final class SignedDetectionServices implements DetectionServices {
    private final SignedJsonClient guardDuty;
    private final SignedJsonClient securityHub;

    public SignedDetectionServices(SignedJsonClient guardDuty, SignedJsonClient securityHub) {
        this.guardDuty = guardDuty;
        this.securityHub = securityHub;
    }

    @Override
    public List<String> detectorIds() {
        List<String> ids = new ArrayList<>();
        String next = null;
        do {
            JsonNode page = AwsErrors.call("ListDetectors", guardDuty.call("GET", "/detector",
                    next == null ? Map.of() : Map.of("nextToken", next), null));
            page.path("detectorIds").forEach(id -> ids.add(id.asText()));
            next = page.path("nextToken").asText(null);
        } while (next != null && !next.isEmpty());
        return ids;
    }

    @Override
    public boolean detectorEnabled(String detectorId) {
        JsonNode detector = AwsErrors.call("GetDetector", guardDuty.call("GET",
                "/detector/" + detectorId, Map.of(), null));
        return "ENABLED".equals(detector.path("status").asText());
    }

    @Override
    public String createDetector(String incidentId) {
        ObjectNode body = Json.mapper().createObjectNode().put("enable", true);
        body.putObject("tags").put("ir:incident-id", incidentId);
        return AwsErrors.call("CreateDetector", guardDuty.call("POST", "/detector", Map.of(),
                body)).path("detectorId").asText();
    }

    @Override
    public void enableDetector(String detectorId) {
        ObjectNode body = Json.mapper().createObjectNode().put("enable", true);
        AwsErrors.call("UpdateDetector", guardDuty.call("POST", "/detector/" + detectorId,
                Map.of(), body));
    }

    @Override
    public Optional<String> hubArn() {
        try {
            return Optional.of(securityHub.call("GET", "/accounts", Map.of(), null).get()
                    .path("HubArn").asText());
        } catch (SdkException e) {
            // AWS answers InvalidAccessException for an account not subscribed to Security Hub.
            if ("InvalidAccessException".equals(AwsErrors.code(e))) {
                return Optional.empty();
            }
            throw AwsErrors.classify(e, "DescribeHub");
        }
    }

    /**
     * Enables Security Hub without its default standards: the account's earlier standards are
     * unknown here, and subscribing others would change what it reports.
     */
    @Override
    public void enableHub(String incidentId) {
        ObjectNode body = Json.mapper().createObjectNode().put("EnableDefaultStandards", false);
        body.putObject("Tags").put("ir:incident-id", incidentId);
        try {
            securityHub.call("POST", "/accounts", Map.of(), body).get();
        } catch (SdkException e) {
            // Enabled meanwhile (another run, a person): what this call wanted is the case.
            if (!"ResourceConflictException".equals(AwsErrors.code(e))) {
                throw AwsErrors.classify(e, "EnableSecurityHub");
            }
        }
    }
}
