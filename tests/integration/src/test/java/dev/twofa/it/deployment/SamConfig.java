package dev.twofa.it.deployment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * samconfig.toml's {@code parameter_overrides} per environment, as {@code sam deploy --config-env <env>} passes them
 * to the template. Read with a reader for the part of TOML the file uses (section headers, full-line comments, a
 * string or an array of strings); SamToolsIT checks it against Python's tomllib.
 */
public final class SamConfig {
    private static final Pattern SECTION = Pattern.compile("\\[([^\\]]+)]");
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    private SamConfig() {}

    public static Map<String, String> parameterOverrides(String environment) {
        String section = null;
        StringBuilder value = null;
        for (String raw :
                Repo.read(Repo.root().resolve("samconfig.toml")).lines().toList()) {
            String line = raw.strip();
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            if (value != null) {
                value.append(' ').append(line);
                if (line.endsWith("]")) {
                    break;
                }
                continue;
            }
            Matcher header = SECTION.matcher(line);
            if (header.matches()) {
                section = header.group(1).strip();
            } else if ((environment + ".deploy.parameters").equals(section) && line.startsWith("parameter_overrides")) {
                value = new StringBuilder(line.substring(line.indexOf('=') + 1).strip());
                if (!value.toString().startsWith("[") || value.toString().endsWith("]")) {
                    break;
                }
            }
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        if (value == null) {
            return overrides;
        }
        Matcher quoted = QUOTED.matcher(value);
        List<String> pairs = new ArrayList<>();
        while (quoted.find()) {
            pairs.add(quoted.group(1));
        }
        if (!value.toString().startsWith("[") && pairs.size() == 1) {
            // One string: "Name=value Name=value", as sam deploy --guided writes it.
            pairs = List.of(pairs.get(0).split(" (?=[A-Za-z0-9]+=)"));
        }
        for (String pair : pairs) {
            overrides.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return overrides;
    }
}
