package org.cloudir.evidence;

/**
 * Reports one evidence object re-hashed against the manifest.
 *
 * @param actualSha256 the SHA-256 of the object's current version, or "missing"
 */
public record EvidenceCheck(String key, String expectedSha256, String actualSha256) {

    public boolean matches() {
        return expectedSha256.equals(actualSha256);
    }
}
