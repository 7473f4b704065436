package dev.twofa.it.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * template.yaml through checkov (.venv-scan/, pinned in scripts/lib/common.sh), the scanner many teams
 * run on templates: no failed check, and every check the template skips (in the resource's
 * {@code Metadata: checkov: skip}) says why.
 */
class CheckovIT {
    @TempDir
    Path temp;

    @Test
    @SuppressWarnings("unchecked")
    void checkov_findsNoFailedCheck_andEverySkipIsExplained() throws IOException {
        SamTools.Result result = SamTools.run(
                Duration.ofMinutes(5),
                SamTools.command(
                        SamTools.tool("checkov", "CHECKOV_BIN"),
                        "--file",
                        "template.yaml",
                        "--framework",
                        "cloudformation",
                        "--output",
                        "json",
                        "--output-file-path",
                        temp.toString(),
                        // No Prisma Cloud calls: the checks ship with the package.
                        "--skip-download"));
        Path json = temp.resolve("results_json.json");
        assertThat(json)
                .as("checkov's JSON report; its output:%n%s", result.output())
                .isRegularFile();
        Map<String, Object> report = JSON.std.mapFrom(Files.readString(json));
        Map<String, Object> summary = SamTemplate.map(report.get("summary"));
        Map<String, Object> results = SamTemplate.map(report.get("results"));
        System.out.printf(
                "checkov %s on template.yaml: exit %d in %d s, %s passed, %s failed, %s skipped, %s resources%n",
                summary.get("checkov_version"),
                result.exitCode(),
                result.took().toSeconds(),
                summary.get("passed"),
                summary.get("failed"),
                summary.get("skipped"),
                summary.get("resource_count"));

        assertThat(summary.get("parsing_errors")).isEqualTo(0);
        assertThat(((Number) summary.get("passed")).intValue())
                .as("checkov ran its CloudFormation checks")
                .isPositive();
        List<String> failed = ((List<Object>) results.getOrDefault("failed_checks", List.of()))
                .stream()
                        .map(SamTemplate::map)
                        .map(c -> c.get("check_id") + " " + c.get("resource") + " (lines " + c.get("file_line_range")
                                + "): " + c.get("check_name"))
                        .toList();
        assertThat(failed)
                .as("fix each in template.yaml, or skip it in the resource's Metadata (checkov: skip: id, comment)")
                .isEmpty();
        List<String> unexplained = ((List<Object>) results.getOrDefault("skipped_checks", List.of()))
                .stream()
                        .map(SamTemplate::map)
                        .filter(c -> {
                            // checkov's stand-in when a skip has no comment.
                            Object comment =
                                    SamTemplate.map(c.get("check_result")).get("suppress_comment");
                            return comment == null
                                    || String.valueOf(comment).isBlank()
                                    || comment.equals("No comment provided");
                        })
                        .map(c -> c.get("check_id") + " " + c.get("resource"))
                        .toList();
        assertThat(unexplained).as("skipped without a comment").isEmpty();
        assertThat(result.exitCode()).as(result.output()).isZero();
    }
}
