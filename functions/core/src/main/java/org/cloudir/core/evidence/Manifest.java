package org.cloudir.core.evidence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lists every evidence object of one incident with the SHA-256 it had when it was stored, so a
 * later reader can prove nothing was changed since.
 */
public record Manifest(String incidentId, String bucket, Instant updatedAt,
        List<EvidenceItem> items) {

    public Manifest {
        items = List.copyOf(items);
    }

    /** Returns the object key of an incident's manifest. */
    public static String keyFor(String incidentId) {
        return prefixFor(incidentId) + "manifest.json";
    }

    /** Returns the key prefix under which all of an incident's evidence lives. */
    public static String prefixFor(String incidentId) {
        return "incidents/" + incidentId + "/";
    }

    public static Manifest empty(String incidentId, String bucket, Instant now) {
        return new Manifest(incidentId, bucket, now, List.of());
    }

    public Optional<EvidenceItem> item(String key) {
        return items.stream().filter(item -> item.key().equals(key)).findFirst();
    }

    /** Returns a manifest with the item added; an item of the same key is replaced. */
    public Manifest with(EvidenceItem item, Instant now) {
        Map<String, EvidenceItem> byKey = new LinkedHashMap<>();
        items.forEach(existing -> byKey.put(existing.key(), existing));
        byKey.put(item.key(), item);
        return new Manifest(incidentId, bucket, now, new ArrayList<>(byKey.values()));
    }
}
