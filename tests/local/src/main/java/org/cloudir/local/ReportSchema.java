package org.cloudir.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Validates report JSON against {@code schemas/incident-report.schema.json} of the repo. */
public final class ReportSchema {
    private final Schema schema;

    public ReportSchema(Path repositoryRoot) {
        Path file = repositoryRoot.resolve("schemas/incident-report.schema.json");
        try {
            this.schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** Returns one line per violation, naming the JSON location; empty when valid. */
    public List<String> violations(JsonNode report) {
        return schema.validate(report).stream().map(Error::toString).toList();
    }
}
