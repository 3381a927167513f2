package io.shopifysync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopifysync.testing.ProjectHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's route map names every route and route template of routes/, each with the file that holds it. */
class RouteMapTest {

    private static final Pattern DEFINITION = Pattern.compile("^- (route|routeTemplate):\\n(?:    #.*\\n)*    id: ([\\w-]+)",
            Pattern.MULTILINE);

    @Test
    void everyRouteAndTemplateHasItsRowWithItsFile() throws Exception {
        Map<String, String> defined = new TreeMap<>();
        try (Stream<Path> files = Files.list(ProjectHome.path().resolve("routes"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Matcher m = DEFINITION.matcher(Files.readString(f));
                while (m.find()) {
                    defined.put(m.group(2), f.getFileName().toString());
                }
            }
        }
        Map<String, String> mapped = new TreeMap<>();
        List<String> readme = Files.readAllLines(ProjectHome.path().resolve("README.md"));
        int start = readme.indexOf("## Route map");
        assertThat(start).as("README has a '## Route map' section").isNotNegative();
        for (String line : readme.subList(start, readme.size())) {
            if (line.startsWith("## ") && !line.equals("## Route map")) {
                break;
            }
            Matcher row = Pattern.compile("^\\| (.+?) \\| .* \\| \\[`([\\w.-]+\\.yaml)`]\\(routes/([\\w.-]+\\.yaml)\\) \\|$").matcher(line);
            if (!row.matches()) {
                continue;
            }
            assertThat(row.group(2)).as("link text and target of %s", line).isEqualTo(row.group(3));
            // a row names plain routes as `id` and templates as (template `id`)
            Matcher ids = Pattern.compile("(template )?`([\\w<>-]+)`").matcher(row.group(1));
            while (ids.find()) {
                String id = ids.group(2);
                if (ids.group(1) != null || !id.contains("<")) {
                    mapped.put(id, row.group(2));
                }
            }
        }
        assertThat(mapped).as("README route map (route or template id → file) against routes/*.yaml").isEqualTo(defined);
    }
}
