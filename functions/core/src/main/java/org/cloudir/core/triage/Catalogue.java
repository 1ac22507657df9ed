package org.cloudir.core.triage;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.cloudir.core.CatalogueException;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.Playbook;

/**
 * Holds the playbook catalogue ({@code playbook-catalogue.json}): which GuardDuty finding types
 * and CloudTrail calls start which playbook, at which severity, automatically or gated, and
 * which findings are suppressed. Loading refuses anything unsafe: a playbook the state machine
 * cannot carry out set to run automatically, or a catch-all finding type mapped to anything but
 * notify-only.
 */
public final class Catalogue {
    /** Names the outcome for events no entry fits: notify-only, never destructive. */
    public static final String UNLISTED = "unlisted";
    public static final String RESOURCE_NAME = "playbook-catalogue.json";
    static final String API_CALL = "AWS API Call via CloudTrail";

    private final Duration incidentWindow;
    private final String guardDutyRule;
    private final List<GuardDutyEntry> guardDuty;
    private final List<CloudTrailEntry> cloudTrail;
    private final List<Suppression> suppressions;

    private Catalogue(Duration incidentWindow, String guardDutyRule,
            List<GuardDutyEntry> guardDuty, List<CloudTrailEntry> cloudTrail,
            List<Suppression> suppressions) {
        this.incidentWindow = incidentWindow;
        this.guardDutyRule = guardDutyRule;
        this.guardDuty = List.copyOf(guardDuty);
        this.cloudTrail = List.copyOf(cloudTrail);
        this.suppressions = List.copyOf(suppressions);
    }

    /**
     * A GuardDuty catalogue entry.
     *
     * @param findingTypes finding types, {@code *} matching any text
     * @param match an EventBridge pattern on {@code detail}, or null
     */
    public record GuardDutyEntry(String name, List<String> findingTypes, double severityFloor,
            JsonNode match, Playbook playbook, Mode mode) {
    }

    /**
     * A CloudTrail catalogue entry, delivered by the template rule it names.
     *
     * @param match an EventBridge pattern on {@code detail}, or null
     * @param adminPorts when not empty, the call must open one of these ports to everyone
     * @param resourceKind names the resource in incident ids ("s3-bucket")
     * @param resourceFields detail fields naming the resource, the first present one wins
     */
    public record CloudTrailEntry(String name, String rule, String detailType,
            String eventSource, List<String> eventNames, JsonNode match,
            List<Integer> adminPorts, double severity, Playbook playbook, Mode mode,
            String resourceKind, List<String> resourceFields) {

        /** Returns the EventBridge source the call arrives under ("aws.iam"). */
        public String source() {
            return "aws." + eventSource.substring(0, eventSource.indexOf('.'));
        }

        /** Returns true for calls CloudTrail logs as global: delivered in us-east-1 only. */
        public boolean global() {
            return Set.of("iam.amazonaws.com", "signin.amazonaws.com", "sts.amazonaws.com")
                    .contains(eventSource);
        }
    }

    /**
     * A suppression: a finding that fits every condition given is recorded, not answered.
     *
     * @param accounts account ids, or empty for any
     * @param findingTypes finding types with {@code *} wildcards, or empty for any
     * @param resourceTags tags the resource must carry, or empty for any
     * @param sample when not null, the finding's sample flag must equal it
     */
    public record Suppression(String name, String reason, List<String> accounts,
            List<String> findingTypes, Map<String, String> resourceTags, Boolean sample) {
    }

    /** Loads the catalogue shipped in the jar. */
    public static Catalogue bundled() {
        try (InputStream in = Catalogue.class.getClassLoader()
                .getResourceAsStream(RESOURCE_NAME)) {
            if (in == null) {
                throw new CatalogueException(RESOURCE_NAME + " is missing from the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CatalogueException("cannot read " + RESOURCE_NAME, e);
        }
    }

    /** Parses and checks catalogue JSON text. */
    public static Catalogue parse(String json) {
        JsonNode root;
        try {
            root = Json.parse(json, "playbook catalogue");
        } catch (MalformedEventException e) {
            throw new CatalogueException(e.getMessage(), e);
        }
        Set<String> names = new HashSet<>();
        List<GuardDutyEntry> guardDuty = new ArrayList<>();
        for (JsonNode node : root.path("guardduty")) {
            guardDuty.add(guardDutyEntry(node, names));
        }
        List<CloudTrailEntry> cloudTrail = new ArrayList<>();
        for (JsonNode node : root.path("cloudtrail")) {
            cloudTrail.add(cloudTrailEntry(node, names));
        }
        checkSharedRules(cloudTrail);
        List<Suppression> suppressions = new ArrayList<>();
        for (JsonNode node : root.path("suppressions")) {
            suppressions.add(suppression(node, names));
        }
        int hours = root.path("incidentWindowHours").asInt(0);
        if (hours < 1 || hours > 24 * 30) {
            throw new CatalogueException("incidentWindowHours must be 1 to 720");
        }
        return new Catalogue(Duration.ofHours(hours),
                text(root, "guardDutyRule", "catalogue"), guardDuty, cloudTrail, suppressions);
    }

    public Duration incidentWindow() {
        return incidentWindow;
    }

    public String guardDutyRule() {
        return guardDutyRule;
    }

    public List<GuardDutyEntry> guardDuty() {
        return guardDuty;
    }

    public List<CloudTrailEntry> cloudTrail() {
        return cloudTrail;
    }

    public List<Suppression> suppressions() {
        return suppressions;
    }

    /** Returns the first GuardDuty entry that fits the finding. */
    public Optional<GuardDutyEntry> guardDutyEntry(Finding finding, JsonNode event) {
        return guardDuty.stream()
                .filter(entry -> anyWildcard(entry.findingTypes(), finding.type()))
                .filter(entry -> finding.severity() >= entry.severityFloor())
                .filter(entry -> entry.match() == null
                        || EventPatterns.matches(entry.match(), event.path("detail")))
                .findFirst();
    }

    /** Returns the first CloudTrail entry that fits the call; failed calls fit none. */
    public Optional<CloudTrailEntry> cloudTrailEntry(JsonNode event) {
        JsonNode detail = event.path("detail");
        if (!detail.path("errorCode").isMissingNode()) {
            return Optional.empty();
        }
        return cloudTrail.stream()
                .filter(entry -> entry.detailType().equals(event.path("detail-type").asText()))
                .filter(entry -> entry.eventSource().equals(detail.path("eventSource").asText()))
                .filter(entry -> entry.eventNames().contains(detail.path("eventName").asText()))
                .filter(entry -> entry.match() == null
                        || EventPatterns.matches(entry.match(), detail))
                .filter(entry -> entry.adminPorts().isEmpty()
                        || OpenPorts.opensToEveryone(detail, entry.adminPorts()))
                .findFirst();
    }

    /** Returns the first suppression every condition of which the finding fits. */
    public Optional<Suppression> suppression(Finding finding, JsonNode event) {
        Map<String, String> tags = ResourceTags.of(event);
        return suppressions.stream()
                .filter(rule -> rule.accounts().isEmpty()
                        || rule.accounts().contains(finding.accountId()))
                .filter(rule -> rule.findingTypes().isEmpty()
                        || anyWildcard(rule.findingTypes(), finding.type()))
                .filter(rule -> rule.resourceTags().entrySet().stream()
                        .allMatch(tag -> tag.getValue().equals(tags.get(tag.getKey()))))
                .filter(rule -> rule.sample() == null || rule.sample() == finding.sample())
                .findFirst();
    }

    static boolean anyWildcard(List<String> wildcards, String value) {
        return wildcards.stream()
                .anyMatch(wildcard -> EventPatterns.wildcard(wildcard).matcher(value).matches());
    }

    private static GuardDutyEntry guardDutyEntry(JsonNode node, Set<String> names) {
        String name = name(node, names, "guardduty");
        String where = "guardduty entry '" + name + "'";
        List<String> types = texts(node, "findingTypes", where);
        for (String type : types) {
            if (type.replace("*", "").isBlank() || type.startsWith("*")) {
                throw new CatalogueException(where + ": finding type '" + type + "' would match"
                        + " unrelated findings; start it with the threat purpose and resource");
            }
        }
        JsonNode match = match(node, where);
        Playbook playbook = playbook(node, where);
        Mode mode = mode(node, where, playbook);
        return new GuardDutyEntry(name, types, number(node, "severityFloor", where, 0, 10),
                match, playbook, mode);
    }

    private static CloudTrailEntry cloudTrailEntry(JsonNode node, Set<String> names) {
        String name = name(node, names, "cloudtrail");
        String where = "cloudtrail entry '" + name + "'";
        String eventSource = text(node, "eventSource", where);
        if (!eventSource.matches("[a-z0-9-]+\\.amazonaws\\.com")) {
            throw new CatalogueException(where + ": eventSource must look like"
                    + " 'iam.amazonaws.com', got '" + eventSource + "'");
        }
        Playbook playbook = playbook(node, where);
        List<Integer> ports = new ArrayList<>();
        node.path("adminPorts").forEach(port -> ports.add(port.asInt()));
        JsonNode resource = node.path("resource");
        List<String> resourceFields = resource.isMissingNode() ? List.of()
                : texts(resource, "fields", where + " resource");
        return new CloudTrailEntry(name, text(node, "rule", where),
                node.path("detailType").asText(API_CALL), eventSource,
                texts(node, "eventNames", where), match(node, where), List.copyOf(ports),
                number(node, "severity", where, 0, 10), playbook, mode(node, where, playbook),
                resource.isMissingNode() ? null : text(resource, "kind", where + " resource"),
                resourceFields);
    }

    /** Entries sharing a rule share its pattern, so they must agree on everything but names. */
    private static void checkSharedRules(List<CloudTrailEntry> entries) {
        Map<String, CloudTrailEntry> first = new LinkedHashMap<>();
        for (CloudTrailEntry entry : entries) {
            CloudTrailEntry other = first.putIfAbsent(entry.rule(), entry);
            if (other != null && (!other.eventSource().equals(entry.eventSource())
                    || !other.detailType().equals(entry.detailType())
                    || !Objects.equals(other.match(), entry.match()))) {
                throw new CatalogueException("cloudtrail entries '" + other.name() + "' and '"
                        + entry.name() + "' share rule " + entry.rule() + " but differ in"
                        + " eventSource, detailType or match; give each its own rule");
            }
        }
    }

    private static Suppression suppression(JsonNode node, Set<String> names) {
        String name = name(node, names, "suppressions");
        String where = "suppression '" + name + "'";
        List<String> accounts = node.has("accounts") ? texts(node, "accounts", where) : List.of();
        List<String> types = node.has("findingTypes")
                ? texts(node, "findingTypes", where) : List.of();
        Map<String, String> tags = new LinkedHashMap<>();
        node.path("resourceTags").properties()
                .forEach(tag -> tags.put(tag.getKey(), tag.getValue().asText()));
        Boolean sample = node.path("sample").isBoolean() ? node.get("sample").asBoolean() : null;
        if (accounts.isEmpty() && types.isEmpty() && tags.isEmpty() && sample == null) {
            throw new CatalogueException(where + " has no condition and would silence every"
                    + " finding; give accounts, findingTypes, resourceTags or sample");
        }
        return new Suppression(name, text(node, "reason", where), accounts, types,
                Map.copyOf(tags), sample);
    }

    private static String name(JsonNode node, Set<String> names, String section) {
        String name = text(node, "name", "an entry of " + section);
        if (!names.add(name)) {
            throw new CatalogueException("catalogue name '" + name + "' is used twice");
        }
        return name;
    }

    private static Playbook playbook(JsonNode node, String where) {
        try {
            return Playbook.fromWireName(text(node, "playbook", where));
        } catch (IllegalArgumentException e) {
            throw new CatalogueException(where + ": " + e.getMessage(), e);
        }
    }

    private static Mode mode(JsonNode node, String where, Playbook playbook) {
        String text = text(node, "mode", where);
        Mode mode = switch (text) {
            case "automatic" -> Mode.AUTOMATIC;
            case "gated" -> Mode.GATED;
            default -> throw new CatalogueException(where + ": mode must be automatic or gated,"
                    + " got '" + text + "'");
        };
        if (mode == Mode.AUTOMATIC && !playbook.automated()) {
            throw new CatalogueException(where + ": playbook " + playbook.wireName() + " is not"
                    + " carried out by the state machine yet, so its mode must be gated");
        }
        return mode;
    }

    private static JsonNode match(JsonNode node, String where) {
        JsonNode match = node.get("match");
        if (match == null) {
            return null;
        }
        EventPatterns.validate(match, where + " match");
        return match;
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new CatalogueException(where + ": field '" + field
                    + "' must be a non-empty string");
        }
        return value.asText();
    }

    private static List<String> texts(JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        List<String> texts = new ArrayList<>();
        value.forEach(item -> texts.add(item.asText()));
        if (!value.isArray() || texts.isEmpty() || texts.stream().anyMatch(String::isBlank)) {
            throw new CatalogueException(where + ": field '" + field
                    + "' must be a non-empty list of strings");
        }
        return List.copyOf(texts);
    }

    private static double number(JsonNode node, String field, String where, double min,
            double max) {
        JsonNode value = node.path(field);
        if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
            throw new CatalogueException(where + ": field '" + field + "' must be a number from "
                    + min + " to " + max);
        }
        return value.asDouble();
    }
}
