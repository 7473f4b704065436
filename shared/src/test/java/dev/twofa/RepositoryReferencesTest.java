package dev.twofa;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every reference in the repository resolves inside it (issue 13): a clone has everything a comment, a test or a doc
 * points to. It fails when a tracked text file
 *
 * <ul>
 *   <li>cites the notes kept outside the repository (the style and reference notes, by file name or by the bare
 *       upper-case name comments used for them): their facts are in docs/standards.md;
 *   <li>names a {@code docs/...} path that does not exist;
 *   <li>cites a section of a doc ({@code docs/x.md, "Heading"} or {@code docs/x.md, <i>Heading</i>}) that no heading of
 *       it starts with, or {@code docs/standards.md, code rule N} that is not in its <i>Code rules</i>;
 *   <li>is Markdown and links to a relative file that does not exist, or to an anchor no heading of the target makes.
 * </ul>
 *
 * The checks run on the files {@code git ls-files} lists from the repository root ({@code ..} from shared), and first
 * on a synthetic repository, so a check that never fires is seen to fail.
 */
class RepositoryReferencesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** This file: its synthetic texts and patterns name what the checks look for. */
    private static final String SELF = "shared/src/test/java/dev/twofa/RepositoryReferencesTest.java";

    private static final String STANDARDS = "docs/standards.md";

    private static final Pattern OUTSIDE_NOTES =
            Pattern.compile("(?i:\\b(?:style|reference)\\.md\\b)|\\b(?:STYLE|REFERENCE)\\b");

    /** A repository-relative docs path, not the tail of a longer path or a URL. */
    private static final Pattern DOCS_PATH = Pattern.compile("(?<![\\w./-])docs/[\\w./-]*\\w");

    private static final Pattern SECTION_CITATION =
            Pattern.compile("(?<![\\w./-])(docs/[\\w/-]+\\.md),?\\s+(?:\"([^\"\\n]+)\"|<i>([^<\\n]+)</i>)");

    private static final Pattern RULE_CITATION =
            Pattern.compile("(?<![\\w./-])" + Pattern.quote(STANDARDS) + ",\\s+code rules?\\s+(\\d+)");

    /** {@code [text](target)} and {@code ![alt](target)}, with an optional title. */
    private static final Pattern MARKDOWN_LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

    private static final Pattern URL_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");
    private static final Pattern NUMBERED_ITEM = Pattern.compile("^(\\d+)\\.\\s");

    /** What the checks need of a repository: its text files, by repository-relative path. */
    interface Repo {
        /** The text of a file, empty when it does not exist or is not text. */
        Optional<String> text(String path);

        boolean exists(String path);
    }

    @Test
    void checks_findEveryKindOfDanglingReference_inASyntheticRepository() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(
                "docs/a.md",
                """
                # Notes

                ## Known part: and more

                Links: [fine](b.md), [gone](missing.md), [here](#known-part-and-more), [nowhere](#no-such-part),
                [there](b.md#other-title), [elsewhere](b.md#wrong), ![image](images/x.png), [web](https://example.com/x),
                [up](../README.md).

                ```
                ## Not a heading, inside a fence
                ```

                ## Code rules

                1. **One.** First.
                2. **Two.** Second.
                """);
        files.put("docs/b.md", "# Other title\n\nSee [fence](a.md#not-a-heading-inside-a-fence).\n");
        files.put("docs/images/x.png", "");
        files.put("README.md", "[docs](docs/a.md), [missing](docs/c.md), [outside](../outside.md)\n");
        files.put("outside.md", "# Beside the root, as ../outside.md would be if paths were clamped\n");
        files.put(STANDARDS, "# Standards\n\n## Code rules\n\n1. **One.**\n2. **Two.**\n");
        files.put(
                "src/X.java",
                String.join(
                        "\n",
                        "// per STYLE" + ".md rule 3, and (" + "REFERENCE: TTL)",
                        "// reference" + ".MD lower case too; a reference or a style in prose is fine",
                        "// docs/a.md is here, docs/gone.md is not, https://example.com/docs/none.md is a URL",
                        "// docs/a.md, \"Known part\" and docs/a.md \"Code rules\" and docs/a.md, <i>Notes</i> resolve",
                        "// docs/a.md, \"Unknown part\" and docs/b.md, <i>Missing</i> do not",
                        "// docs/standards.md, code rule 2 resolves; docs/standards.md, code rule 3 does not",
                        ""));

        List<String> problems = problems(inMemory(files), List.copyOf(files.keySet()));

        assertThat(problems)
                .containsExactlyInAnyOrder(
                        "src/X.java:1: cites notes outside the repository: STYLE.md",
                        "src/X.java:1: cites notes outside the repository: REFERENCE",
                        "src/X.java:2: cites notes outside the repository: reference.MD",
                        "src/X.java:3: names a missing file: docs/gone.md",
                        "src/X.java:5: cites a section docs/a.md has no heading for: \"Unknown part\"",
                        "src/X.java:5: cites a section docs/b.md has no heading for: \"Missing\"",
                        "src/X.java:6: cites a code rule docs/standards.md does not have: 3",
                        "docs/a.md:5: links to a missing file: missing.md",
                        "docs/a.md:5: links to an anchor docs/a.md has no heading for: #no-such-part",
                        "docs/a.md:6: links to an anchor docs/b.md has no heading for: b.md#wrong",
                        "docs/b.md:3: links to an anchor docs/a.md has no heading for: a.md#not-a-heading-inside-a-fence",
                        "README.md:1: links to a missing file: docs/c.md",
                        "README.md:1: names a missing file: docs/c.md",
                        "README.md:1: links to a missing file: ../outside.md");
    }

    @Test
    void slug_isGitHubsAnchorForAHeading() {
        assertThat(slug("Time budget: a slow dependency is answered inside the function timeout"))
                .isEqualTo("time-budget-a-slow-dependency-is-answered-inside-the-function-timeout");
        assertThat(slug("Confirm it's you (step-up)")).isEqualTo("confirm-its-you-step-up");
        assertThat(slug("`app`: below the 90 % target — what remains"))
                .isEqualTo("app-below-the-90--target--what-remains");
        assertThat(slug("HOTP: RFC 4226 Appendix D")).isEqualTo("hotp-rfc-4226-appendix-d");
    }

    @Test
    void everyReferenceInTheRepository_resolvesInsideIt() throws IOException, InterruptedException {
        List<String> tracked = trackedFiles();
        assertThat(tracked).contains("README.md", STANDARDS).hasSizeGreaterThan(100);

        List<String> problems = problems(onDisk(), tracked);

        assertThat(problems)
                .as("references that do not resolve inside the repository")
                .isEmpty();
    }

    static List<String> problems(Repo repo, List<String> paths) {
        List<String> problems = new ArrayList<>();
        Map<String, Headings> headings = new HashMap<>();
        for (String path : paths) {
            if (path.equals(SELF)) {
                continue;
            }
            Optional<String> text = repo.text(path);
            if (text.isEmpty()) {
                continue;
            }
            String[] lines = text.get().split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String where = path + ":" + (i + 1) + ": ";
                String line = lines[i];
                Matcher outside = OUTSIDE_NOTES.matcher(line);
                while (outside.find()) {
                    problems.add(where + "cites notes outside the repository: " + outside.group());
                }
                Matcher docsPath = DOCS_PATH.matcher(line);
                while (docsPath.find()) {
                    if (!repo.exists(docsPath.group())) {
                        problems.add(where + "names a missing file: " + docsPath.group());
                    }
                }
                Matcher section = SECTION_CITATION.matcher(line);
                while (section.find()) {
                    String doc = section.group(1);
                    String title = section.group(2) != null ? section.group(2) : section.group(3);
                    if (repo.exists(doc) && !headingsOf(repo, doc, headings).hasTitleStartingWith(title)) {
                        problems.add(where + "cites a section " + doc + " has no heading for: \"" + title + "\"");
                    }
                }
                Matcher rule = RULE_CITATION.matcher(line);
                while (rule.find()) {
                    if (!headingsOf(repo, STANDARDS, headings).codeRules.contains(rule.group(1))) {
                        problems.add(where + "cites a code rule " + STANDARDS + " does not have: " + rule.group(1));
                    }
                }
                if (path.endsWith(".md")) {
                    Matcher link = MARKDOWN_LINK.matcher(line);
                    while (link.find()) {
                        checkLink(repo, path, link.group(1), headings).ifPresent(p -> problems.add(where + p));
                    }
                }
            }
        }
        return problems;
    }

    private static Optional<String> checkLink(Repo repo, String from, String target, Map<String, Headings> headings) {
        if (URL_SCHEME.matcher(target).find()) {
            return Optional.empty();
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? "" : target.substring(hash + 1);
        String resolved = file.isEmpty() ? from : resolve(from, file);
        if (resolved == null || !repo.exists(resolved)) {
            return Optional.of("links to a missing file: " + target);
        }
        if (!anchor.isEmpty()
                && resolved.endsWith(".md")
                && !headingsOf(repo, resolved, headings).anchors.contains(anchor)) {
            return Optional.of("links to an anchor " + resolved + " has no heading for: " + target);
        }
        return Optional.empty();
    }

    /** {@code file} relative to the directory of {@code from}, repository-relative; null when it leaves the root. */
    static String resolve(String from, String file) {
        Path dir = Path.of(from).getParent();
        Path resolved = (dir == null ? Path.of(file) : dir.resolve(file)).normalize();
        return resolved.startsWith("..") || resolved.toString().isEmpty()
                ? null
                : resolved.toString().replace('\\', '/');
    }

    private static Headings headingsOf(Repo repo, String path, Map<String, Headings> cache) {
        return cache.computeIfAbsent(path, p -> Headings.of(repo.text(p).orElse("")));
    }

    /** A Markdown file's heading titles, the anchors GitHub makes of them, and the numbers of its code rules. */
    record Headings(List<String> titles, Set<String> anchors, Set<String> codeRules) {
        static Headings of(String markdown) {
            List<String> titles = new ArrayList<>();
            Set<String> anchors = new HashSet<>();
            Set<String> codeRules = new HashSet<>();
            Map<String, Integer> seen = new TreeMap<>();
            boolean fenced = false;
            String current = "";
            for (String line : markdown.split("\n", -1)) {
                if (line.startsWith("```")) {
                    fenced = !fenced;
                    continue;
                }
                if (fenced) {
                    continue;
                }
                Matcher heading = HEADING.matcher(line);
                if (heading.matches()) {
                    current = heading.group(1);
                    titles.add(current);
                    String slug = slug(current);
                    int n = seen.merge(slug, 1, Integer::sum);
                    anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
                    continue;
                }
                Matcher item = NUMBERED_ITEM.matcher(line);
                if (current.equals("Code rules") && item.find()) {
                    codeRules.add(item.group(1));
                }
            }
            return new Headings(titles, anchors, codeRules);
        }

        boolean hasTitleStartingWith(String title) {
            return titles.stream().anyMatch(t -> t.startsWith(title));
        }
    }

    /** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
    static String slug(String heading) {
        return heading.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}\\s_-]", "")
                .replace(' ', '-');
    }

    private static Repo inMemory(Map<String, String> files) {
        return new Repo() {
            @Override
            public Optional<String> text(String path) {
                return Optional.ofNullable(files.get(path));
            }

            @Override
            public boolean exists(String path) {
                return files.containsKey(path) || files.keySet().stream().anyMatch(f -> f.startsWith(path + "/"));
            }
        };
    }

    private static Repo onDisk() {
        return new Repo() {
            @Override
            public Optional<String> text(String path) {
                Path file = ROOT.resolve(path);
                if (!Files.isRegularFile(file)) {
                    return Optional.empty();
                }
                try {
                    byte[] bytes = Files.readAllBytes(file);
                    for (byte b : bytes) {
                        if (b == 0) {
                            return Optional.empty();
                        }
                    }
                    return Optional.of(new String(bytes, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public boolean exists(String path) {
                return Files.exists(ROOT.resolve(path));
            }
        };
    }

    /** The files git tracks, repository-relative; a clone always has git, and what is ignored is not ours. */
    private static List<String> trackedFiles() throws IOException, InterruptedException {
        Process git = new ProcessBuilder("git", "-C", ROOT.toString(), "ls-files", "-z")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(git.waitFor(60, TimeUnit.SECONDS))
                .as("git ls-files finished")
                .isTrue();
        assertThat(git.exitValue()).as("git ls-files in " + ROOT).isZero();
        return Stream.of(out.split("\0")).filter(s -> !s.isEmpty()).toList();
    }
}
