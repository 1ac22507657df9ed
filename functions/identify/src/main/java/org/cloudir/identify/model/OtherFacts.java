package org.cloudir.identify.model;

/** Names a resource identification has no enrichment for: a bucket, a trail, a role. */
public record OtherFacts(String type, String id) implements ResourceFacts {
}
