package org.cloudir.recover.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Collects what the recorded results say about an IAM user's access keys: each key's status
 * before containment (disable-access-key), the keys eradication deleted (delete-access-key),
 * the keys recovery rotated (recover-access-key), and the keys that were the attacker's own
 * (remove-attacker-credentials), which are never given back.
 *
 * @param statusBefore key id to "Active" or "Inactive" before containment
 * @param deleted key id to the status it had when eradication deleted it
 * @param attackerKeys key ids that remove-attacker-credentials names
 * @param rotated key ids recover-access-key replaced
 * @param replacement the key id recover-access-key created, or "" when none
 */
public record RecordedKeys(Map<String, String> statusBefore, Map<String, String> deleted,
        Set<String> attackerKeys, Set<String> rotated, String replacement) {
    private static final Pattern KEY_ID = Pattern.compile("AKIA[A-Z0-9]{12,124}");

    public RecordedKeys {
        statusBefore = Collections.unmodifiableMap(new LinkedHashMap<>(statusBefore));
        deleted = Collections.unmodifiableMap(new LinkedHashMap<>(deleted));
        attackerKeys = Collections.unmodifiableSet(new LinkedHashSet<>(attackerKeys));
        rotated = Collections.unmodifiableSet(new LinkedHashSet<>(rotated));
    }

    public static RecordedKeys of(Recorded recorded) {
        Map<String, String> before = new LinkedHashMap<>();
        recorded.acted("disableAccessKey", "disable-access-key").ifPresent(details ->
                details.path("previousStatus").properties().forEach(entry ->
                        before.put(entry.getKey(), entry.getValue().asText())));
        Map<String, String> deleted = new LinkedHashMap<>();
        recorded.acted("deleteAccessKey", "delete-access-key").ifPresent(details -> {
            for (JsonNode key : details.path("deletedKeys")) {
                String id = key.path("accessKeyId").asText("");
                if (!id.isEmpty()) {
                    deleted.put(id, key.path("lastStatus").asText(""));
                }
            }
        });
        Set<String> attacker = new LinkedHashSet<>();
        // Its details' exact shape is another phase's; every key id anywhere in them counts.
        recorded.acted("removeAttackerCredentials", "remove-attacker-credentials")
                .ifPresent(details -> collectKeyIds(details, attacker));
        Set<String> rotated = new LinkedHashSet<>();
        String[] replacement = {""};
        recorded.acted("recoverAccessKey", "recover-access-key").ifPresent(details -> {
            details.path("rotatedKeys").forEach(id -> rotated.add(id.asText()));
            replacement[0] = details.path("newAccessKeyId").asText("");
        });
        return new RecordedKeys(before, deleted, attacker, rotated, replacement[0]);
    }

    /** Returns true when the key was Active before containment, as far as the record tells. */
    public boolean activeBefore(String keyId) {
        String status = statusBefore.containsKey(keyId) ? statusBefore.get(keyId)
                : deleted.getOrDefault(keyId, "");
        return "Active".equals(status);
    }

    /** Returns every key the record names as the user's own, attacker keys left out. */
    public List<String> userKeys() {
        Set<String> keys = new LinkedHashSet<>(statusBefore.keySet());
        keys.addAll(deleted.keySet());
        keys.removeAll(attackerKeys);
        return List.copyOf(keys);
    }

    private static void collectKeyIds(JsonNode node, Set<String> ids) {
        if (node.isTextual() && KEY_ID.matcher(node.asText()).matches()) {
            ids.add(node.asText());
        }
        if (node.isObject()) {
            node.properties().forEach(entry -> {
                if (KEY_ID.matcher(entry.getKey()).matches()) {
                    ids.add(entry.getKey());
                }
                collectKeyIds(entry.getValue(), ids);
            });
        } else {
            node.forEach(child -> collectKeyIds(child, ids));
        }
    }
}
