package org.cloudir.identify.model;

/** Wraps the enrichment as the handler returns it: {@code {"enrichment": {...}}}. */
public record EnrichmentResult(Enrichment enrichment) {
}
