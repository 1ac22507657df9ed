package org.cloudir.eradicate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.cloudir.accesskey.IamUsers;
import org.cloudir.accesskey.RootCredentialsException;
import org.cloudir.aws.ActionHandler;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.Log;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.Protection;
import org.cloudir.core.VerificationFailedException;
import org.cloudir.core.evidence.ActivityLookup;
import org.cloudir.core.evidence.ActivityQuery;
import org.cloudir.core.evidence.ActivityTrail;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.core.model.ResourceType;
import org.cloudir.eradicate.AttackerCreations.Creation;
import org.cloudir.eradicate.AttackerCreations.Kind;
import org.cloudir.eradicate.AttackerCreations.Principal;
import org.cloudir.evidence.ActivityLookups;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.LoginProfile;
import software.amazon.awssdk.services.iam.model.User;

/**
 * Removes the persistence a compromised principal left: from its CloudTrail activity since the
 * finding was first seen (minus a margin), every access key it created is deleted, every
 * console password it created is deleted, and every IAM user it created loses its keys and
 * password and gets the quarantine deny-all policy (the user itself is kept as evidence).
 * Users tagged ir:protected, and credentials recreated since, are left for a person. Where
 * CloudTrail cannot be searched, nothing is removed and the result says so.
 */
public final class RemoveAttackerCredentialsHandler extends ActionHandler {
    static final String ACTION = "remove-attacker-credentials";
    static final String MARGIN_VARIABLE = "LOOKBACK_MARGIN_MINUTES";
    static final Duration DEFAULT_MARGIN = Duration.ofMinutes(60);
    /** How far an IAM creation date may be from the event's time and still be that one. */
    static final Duration SAME_CREATION = Duration.ofMinutes(5);

    private final Log log = Log.forClass(RemoveAttackerCredentialsHandler.class);
    private final IamUsers users;
    private final QuarantinePolicy quarantine;
    private final ActivityLookup activity;
    private final Duration margin;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public RemoveAttackerCredentialsHandler() {
        this(Env.system());
    }

    public RemoveAttackerCredentialsHandler(Env env) {
        this(AwsClients.configure(IamClient.builder(), env).region(Region.AWS_GLOBAL).build(),
                ActivityLookups.fromEnv(env), env, Clock.systemUTC());
    }

    public RemoveAttackerCredentialsHandler(IamClient iam, ActivityLookup activity, Env env,
            Clock clock) {
        super(env, clock);
        this.users = new IamUsers(iam);
        this.quarantine = new QuarantinePolicy(iam);
        this.activity = activity;
        this.margin = env.get(MARGIN_VARIABLE).map(Long::parseLong).map(Duration::ofMinutes)
                .orElse(DEFAULT_MARGIN);
    }

    @Override
    protected String name() {
        return ACTION;
    }

    @Override
    protected ActionResult act(Incident incident, boolean dryRun, Instant started) {
        Principal principal = principal(incident);
        ActivityQuery query = query(incident, principal);
        ActivityTrail trail = activity.lookUp(query);
        Map<String, Object> details = baseDetails(principal, query, trail);
        if (!trail.available()) {
            return result(incident, Outcome.DONE, "CloudTrail not searchable here ("
                    + trail.note() + "): nothing removed; review by hand the access keys,"
                    + " console passwords and IAM users " + principal.describe()
                    + " may have created since " + query.from(), details, List.of(), started);
        }

        Plan plan = plan(AttackerCreations.select(trail.events(), principal), incident);
        details.putAll(plan.details());
        if (dryRun) {
            return result(incident, Outcome.DRY_RUN, plan.describe(principal), details,
                    List.of(), started);
        }

        Removed removed = remove(plan, incident);
        details.putAll(removed.details());
        List<String> verified = verify(plan, incident);
        boolean changed = removed.changed();
        return result(incident, changed ? Outcome.DONE : Outcome.ALREADY_DONE,
                changed ? removed.describe(principal) + plan.leftForAPerson()
                        : plan.describe(principal), details, verified, started);
    }

    private Principal principal(Incident incident) {
        if (incident.resource().type() == ResourceType.INSTANCE) {
            return Principal.instanceRole(incident.resource().id());
        }
        Recorded.requireType(incident, ResourceType.ACCESS_KEY, ACTION);
        String userName = incident.resource().userName();
        RootCredentialsException.refuseRoot(userName, incident.incidentId());
        if (users.find(userName).isPresent()) {
            Protection.refuseIfProtected(users.tags(userName), ACTION, "IAM user " + userName,
                    incident.incidentId());
        }
        return Principal.user(userName);
    }

    private ActivityQuery query(Incident incident, Principal principal) {
        Instant first = Optional.ofNullable(incident.finding().firstSeen())
                .orElse(incident.triagedAt());
        if (first == null) {
            throw new MalformedEventException("field 'incident.finding.firstSeen' is missing"
                    + " and so is 'incident.triagedAt'; the search needs a start");
        }
        return new ActivityQuery(Optional.of(principal.lookupName()), Optional.empty(),
                first.minus(margin), clock().instant());
    }

    /** What the run removes, found by re-reading IAM for each creation. */
    private record Plan(List<Creation> users, List<Creation> keys, List<Creation> passwords,
            List<Map<String, Object>> alreadyRemoved, List<Map<String, Object>> skipped) {
        String describe(Principal principal) {
            if (users.isEmpty() && keys.isEmpty() && passwords.isEmpty()) {
                return "no credentials created by " + principal.describe() + " remain ("
                        + alreadyRemoved.size() + " already removed)" + leftForAPerson();
            }
            return "would delete " + keys.size() + " access keys and " + passwords.size()
                    + " console passwords, and quarantine " + users.size() + " IAM users,"
                    + " created by " + principal.describe() + leftForAPerson();
        }

        String leftForAPerson() {
            return skipped.isEmpty() ? "" : "; " + skipped.size() + " left for a person (see"
                    + " details.skipped)";
        }

        Map<String, Object> details() {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("createdUsers", users.stream().map(c -> c.userName()).toList());
            details.put("createdAccessKeys", keys.stream().map(c -> c.accessKeyId()).toList());
            details.put("createdLoginProfiles", passwords.stream().map(c -> c.userName())
                    .toList());
            details.put("alreadyRemoved", alreadyRemoved);
            details.put("skipped", skipped);
            return details;
        }
    }

    private Plan plan(List<Creation> creations, Incident incident) {
        List<Creation> created = new ArrayList<>();
        List<Creation> keys = new ArrayList<>();
        List<Creation> passwords = new ArrayList<>();
        List<Map<String, Object>> gone = new ArrayList<>();
        List<Map<String, Object>> skipped = new ArrayList<>();
        Set<String> createdUsers = creations.stream()
                .filter(creation -> creation.kind() == Kind.USER)
                .map(Creation::userName)
                .collect(Collectors.toSet());
        for (Creation creation : creations) {
            if (creation.kind() != Kind.USER && createdUsers.contains(creation.userName())) {
                continue; // A user the attacker created loses every key and password below.
            }
            Optional<User> user = users.find(creation.userName());
            if (user.isEmpty()) {
                gone.add(entry(creation, "IAM user no longer exists"));
            } else if (users.isProtected(creation.userName())) {
                skipped.add(entry(creation, "IAM user is tagged " + Protection.TAG_KEY
                        + "=true; review by hand"));
                log.warn("attacker credential left on a protected user", "incidentId",
                        incident.incidentId(), "action", ACTION, "resource",
                        creation.userName(), "outcome", "SKIPPED");
            } else {
                classify(creation, user.get(), incident, created, keys, passwords, gone,
                        skipped);
            }
        }
        return new Plan(created, keys, passwords, gone, skipped);
    }

    private void classify(Creation creation, User user, Incident incident,
            List<Creation> created, List<Creation> keys, List<Creation> passwords,
            List<Map<String, Object>> gone, List<Map<String, Object>> skipped) {
        switch (creation.kind()) {
            case USER -> {
                if (!sameCreation(user.createDate(), creation)) {
                    skipped.add(entry(creation, "IAM user was created again at "
                            + user.createDate() + ", after the attacker's; review by hand"));
                } else if (alreadyQuarantined(user.userName(), incident)) {
                    gone.add(entry(creation, "already quarantined, no keys, no password"));
                } else {
                    created.add(creation);
                }
            }
            case ACCESS_KEY -> {
                if (users.key(creation.userName(), creation.accessKeyId()).isPresent()) {
                    keys.add(creation);
                } else {
                    gone.add(entry(creation, "access key no longer exists"));
                }
            }
            case LOGIN_PROFILE -> {
                Optional<LoginProfile> profile = users.loginProfile(creation.userName());
                if (profile.isEmpty()) {
                    gone.add(entry(creation, "console password no longer exists"));
                } else if (!sameCreation(profile.get().createDate(), creation)) {
                    skipped.add(entry(creation, "console password was created again at "
                            + profile.get().createDate() + ", after the attacker's; review by"
                            + " hand"));
                } else {
                    passwords.add(creation);
                }
            }
            default -> throw new IllegalStateException("unknown creation " + creation.kind());
        }
    }

    private boolean alreadyQuarantined(String userName, Incident incident) {
        return users.keys(userName).isEmpty() && users.loginProfile(userName).isEmpty()
                && quarantineVerified(userName, incident);
    }

    private boolean quarantineVerified(String userName, Incident incident) {
        try {
            quarantine.verifyOnUser(userName, QuarantinePolicy.name(incident.incidentId()));
            return true;
        } catch (VerificationFailedException missing) {
            return false;
        }
    }

    /** Holds what one run removed, for the result's details. */
    private record Removed(List<Map<String, Object>> keys, List<Map<String, Object>> passwords,
            List<Map<String, Object>> users) {
        boolean changed() {
            return !keys.isEmpty() || !passwords.isEmpty() || !users.isEmpty();
        }

        String describe(Principal principal) {
            return "deleted " + keys.size() + " access keys and " + passwords.size()
                    + " console passwords, and quarantined " + users.size() + " IAM users,"
                    + " created by " + principal.describe();
        }

        Map<String, Object> details() {
            return Map.of("removedAccessKeys", keys, "removedLoginProfiles", passwords,
                    "quarantinedUsers", users);
        }
    }

    private Removed remove(Plan plan, Incident incident) {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (Creation creation : plan.keys()) {
            users.key(creation.userName(), creation.accessKeyId()).ifPresent(key -> {
                if (users.deleteKey(creation.userName(), creation.accessKeyId())) {
                    keys.add(keyRecord(key, creation));
                }
            });
        }
        List<Map<String, Object>> passwords = new ArrayList<>();
        for (Creation creation : plan.passwords()) {
            if (users.deleteLoginProfile(creation.userName())) {
                passwords.add(entry(creation, "deleted"));
            }
        }
        List<Map<String, Object>> quarantined = new ArrayList<>();
        for (Creation creation : plan.users()) {
            quarantined.add(quarantineUser(creation, incident));
        }
        return new Removed(keys, passwords, quarantined);
    }

    /** Denies the attacker's user everything, then takes away every credential it has. */
    private Map<String, Object> quarantineUser(Creation creation, Incident incident) {
        String userName = creation.userName();
        String policyName = QuarantinePolicy.name(incident.incidentId());
        quarantine.ensureOnUser(userName, policyName);
        List<Map<String, Object>> deletedKeys = new ArrayList<>();
        for (AccessKeyMetadata key : users.keys(userName)) {
            if (users.deleteKey(userName, key.accessKeyId())) {
                deletedKeys.add(keyRecord(key, creation));
            }
        }
        boolean password = users.deleteLoginProfile(userName);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("userName", userName);
        record.put("quarantinePolicy", policyName);
        record.put("deletedKeys", deletedKeys);
        record.put("loginProfileDeleted", password);
        record.put("eventId", creation.eventId());
        return record;
    }

    private List<String> verify(Plan plan, Incident incident) {
        List<String> verified = new ArrayList<>();
        for (Creation creation : plan.keys()) {
            if (users.key(creation.userName(), creation.accessKeyId()).isPresent()) {
                throw new VerificationFailedException("access key " + creation.accessKeyId()
                        + " of IAM user " + creation.userName() + " is still listed after"
                        + " deleting it");
            }
            verified.add("access key " + creation.accessKeyId() + " of "
                    + creation.userName() + " no longer exists");
        }
        for (Creation creation : plan.passwords()) {
            requireNoPassword(creation.userName());
            verified.add("IAM user " + creation.userName() + " has no console password");
        }
        for (Creation creation : plan.users()) {
            String userName = creation.userName();
            if (!users.keys(userName).isEmpty()) {
                throw new VerificationFailedException("IAM user " + userName + " still has"
                        + " access keys after deleting them");
            }
            requireNoPassword(userName);
            verified.add(quarantine.verifyOnUser(userName,
                    QuarantinePolicy.name(incident.incidentId())));
            verified.add("IAM user " + userName + " has no access key and no console"
                    + " password");
        }
        return verified;
    }

    private void requireNoPassword(String userName) {
        if (users.loginProfile(userName).isPresent()) {
            throw new VerificationFailedException("IAM user " + userName + " still has a"
                    + " console password after deleting it");
        }
    }

    private static boolean sameCreation(Instant createDate, Creation creation) {
        return createDate != null && Duration.between(creation.eventTime(), createDate).abs()
                .compareTo(SAME_CREATION) <= 0;
    }

    private static Map<String, Object> entry(Creation creation, String note) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("kind", creation.kind().name());
        entry.put("userName", creation.userName());
        if (creation.accessKeyId() != null) {
            entry.put("accessKeyId", creation.accessKeyId());
        }
        entry.put("eventId", creation.eventId());
        entry.put("eventTime", creation.eventTime().toString());
        entry.put("note", note);
        return entry;
    }

    private static Map<String, Object> keyRecord(AccessKeyMetadata key, Creation creation) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("accessKeyId", key.accessKeyId());
        record.put("userName", key.userName());
        record.put("createDate", String.valueOf(key.createDate()));
        record.put("lastStatus", key.statusAsString());
        record.put("eventId", creation.eventId());
        return record;
    }

    private static Map<String, Object> baseDetails(Principal principal, ActivityQuery query,
            ActivityTrail trail) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("principal", principal.describe());
        details.put("searchedFrom", query.from().toString());
        details.put("searchedTo", query.to().toString());
        details.put("activitySource", trail.source());
        details.put("activityAvailable", trail.available());
        details.put("activityNote", String.valueOf(trail.note()));
        details.put("eventsSearched", trail.events().size());
        return details;
    }

    private ActionResult result(Incident incident, Outcome outcome, String summary,
            Map<String, Object> details, List<String> verified, Instant started) {
        return new ActionResult(ACTION, incident.incidentId(), incident.resource().key(),
                outcome, summary, details, verified, started, clock().instant());
    }
}
