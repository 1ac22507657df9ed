package org.cloudir.evidence;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cloudir.core.Hashes;
import org.cloudir.core.Json;
import org.cloudir.core.evidence.EvidenceItem;
import org.cloudir.core.evidence.Manifest;

/**
 * Re-hashes every object an incident's manifest lists, reading the current version of each
 * (what anyone would be handed), and compares with the SHA-256 recorded when it was stored.
 */
public final class EvidenceVerifier {
    private final EvidenceStore store;

    public EvidenceVerifier(EvidenceStore store) {
        this.store = store;
    }

    /**
     * Verifies an incident's evidence.
     *
     * @param expectedManifestSha256 the manifest's SHA-256 from the incident record, if known
     */
    public VerificationResult verify(String incidentId, Optional<String> expectedManifestSha256) {
        String manifestKey = Manifest.keyFor(incidentId);
        Optional<byte[]> manifestBytes = store.read(manifestKey);
        if (manifestBytes.isEmpty()) {
            return new VerificationResult(incidentId, store.bucket(), manifestKey,
                    Optional.of("no manifest in the bucket"), List.of());
        }
        Optional<String> manifestProblem = Optional.empty();
        String manifestSha256 = Hashes.sha256Hex(manifestBytes.get());
        if (expectedManifestSha256.isPresent()
                && !expectedManifestSha256.get().equals(manifestSha256)) {
            manifestProblem = Optional.of("incident record holds sha256 "
                    + expectedManifestSha256.get() + ", stored manifest " + manifestSha256);
        }
        Manifest manifest = Json.convert(Json.parse(new String(manifestBytes.get(),
                java.nio.charset.StandardCharsets.UTF_8), manifestKey), Manifest.class);
        List<EvidenceCheck> checks = new ArrayList<>();
        for (EvidenceItem item : manifest.items()) {
            String actual = store.read(item.key()).map(Hashes::sha256Hex).orElse("missing");
            checks.add(new EvidenceCheck(item.key(), item.sha256(), actual));
        }
        return new VerificationResult(incidentId, store.bucket(), manifestKey, manifestProblem,
                checks);
    }
}
