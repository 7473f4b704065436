package dev.twofa.localrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateRoutesTest {

    static Path repoTemplate() {
        return LocalRunFixture.repoRoot().resolve("template.yaml");
    }

    @Test
    void read_findsEveryHttpApiFunctionOfTheRepoTemplate_despiteCloudFormationTags() throws IOException {
        // An independent reading of the same file: every resource with a Handler and an HttpApi event
        // is a function with one route per HttpApi event, open exactly where its event says `Authorizer: NONE`, for
        // SigV4 callers exactly where it says `Authorizer: AWS_IAM`, otherwise behind the JWT one.
        String text = Files.readString(repoTemplate());
        Pattern handlerLine = Pattern.compile("(?m)^\\s+Handler:\\s*(\\S+)\\s*$");
        Map<String, String> declared = new LinkedHashMap<>();
        for (String block : text.split("(?m)^(?=  [A-Za-z0-9]+:\\s*$)")) {
            Matcher handler = handlerLine.matcher(block);
            if (handler.find() && block.contains("Type: HttpApi")) {
                declared.put(handler.group(1), block);
            }
        }

        List<TemplateRoutes.Route> routes = TemplateRoutes.read(repoTemplate());

        assertThat(declared).isNotEmpty();
        assertThat(routes)
                .extracting(r -> r.handlerClass() + "::" + r.handlerMethod())
                .containsOnlyElementsOf(declared.keySet())
                .containsAll(declared.keySet());
        // A function may serve more than one route (confirm-totp also answers GET /2fa/totp/pending):
        // as many routes as its block has HttpApi events.
        declared.forEach((handler, block) -> assertThat(routes)
                .as(handler)
                .filteredOn(r -> (r.handlerClass() + "::" + r.handlerMethod()).equals(handler))
                .hasSize(block.split("Type: HttpApi", -1).length - 1));
        assertThat(routes).allSatisfy(r -> {
            assertThat(r.path()).startsWith("/");
            assertThat(r.method()).isIn("GET", "POST", "PUT", "PATCH", "DELETE");
            String block = declared.get(r.handlerClass() + "::" + r.handlerMethod());
            assertThat(r.auth())
                    .as(r.routeKey())
                    .isEqualTo(
                            block.contains("Authorizer: NONE")
                                    ? TemplateRoutes.Auth.NONE
                                    : block.contains("Authorizer: AWS_IAM")
                                            ? TemplateRoutes.Auth.IAM
                                            : TemplateRoutes.Auth.JWT);
        });
        assertThat(routes).extracting(TemplateRoutes.Route::routeKey).contains("POST /2fa/verify", "GET /2fa/status");
        assertThat(routes)
                .filteredOn(r -> r.auth() == TemplateRoutes.Auth.NONE)
                .extracting(TemplateRoutes.Route::routeKey)
                .containsExactly("GET /.well-known/jwks.json");
        assertThat(routes)
                .filteredOn(r -> r.auth() == TemplateRoutes.Auth.IAM)
                .extracting(TemplateRoutes.Route::routeKey)
                .containsExactlyInAnyOrder("POST /operator/support-reset", "PUT /operator/org-policy");
    }

    @Test
    void read_turnsShortTagsIntoPlainData_andReadsEachRoutesAuthorizer(@TempDir Path dir) throws IOException {
        Path template = dir.resolve("template.yaml");
        Files.writeString(
                template,
                """
                Transform: AWS::Serverless-2016-10-31
                Conditions:
                  IsProd: !Equals [!Ref Stage, prod]
                Globals:
                  Function:
                    Handler: com.example.DefaultHandler::handleRequest
                Resources:
                  Table:
                    Type: AWS::DynamoDB::Table
                  Health:
                    Type: AWS::Serverless::Function
                    Properties:
                      Role: !GetAtt Role.Arn
                      Environment:
                        Variables:
                          TABLE: !Ref Table
                          URL: !Sub "https://${Api}.example"
                          MAYBE: !If [IsProd, a, !Ref AWS::NoValue]
                      Events:
                        Open:
                          Type: HttpApi
                          Properties: { Method: get, Path: /health, Auth: { Authorizer: NONE } }
                        Queue:
                          Type: SQS
                          Properties: { Queue: !GetAtt Q.Arn }
                  Items:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: com.example.ItemHandler
                      Events:
                        One:
                          Type: HttpApi
                          Properties: { Method: GET, Path: "/items/{id}" }
                  Admin:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: com.example.AdminHandler::handleRequest
                      Events:
                        Purge:
                          Type: HttpApi
                          Properties: { Method: PUT, Path: /admin/purge, Auth: { Authorizer: AWS_IAM } }
                """);

        List<TemplateRoutes.Route> routes = TemplateRoutes.read(template);

        assertThat(routes)
                .containsExactly(
                        new TemplateRoutes.Route(
                                "Health",
                                "GET",
                                "/health",
                                "com.example.DefaultHandler",
                                "handleRequest",
                                TemplateRoutes.Auth.NONE),
                        new TemplateRoutes.Route(
                                "Items",
                                "GET",
                                "/items/{id}",
                                "com.example.ItemHandler",
                                "handleRequest",
                                TemplateRoutes.Auth.JWT),
                        new TemplateRoutes.Route(
                                "Admin",
                                "PUT",
                                "/admin/purge",
                                "com.example.AdminHandler",
                                "handleRequest",
                                TemplateRoutes.Auth.IAM));
    }

    @Test
    void read_failsWithTheFunctionsName_whenAnHttpApiEventHasNoPath(@TempDir Path dir) throws IOException {
        Path template = dir.resolve("template.yaml");
        Files.writeString(
                template,
                """
                Resources:
                  Broken:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B::handleRequest
                      Events:
                        Api: { Type: HttpApi, Properties: { Method: POST } }
                """);

        assertThatThrownBy(() -> TemplateRoutes.read(template))
                .hasMessageContaining("Broken.Events.Api.Properties.Path");
    }

    @Test
    void match_isExactForLiteralPaths_andFillsPathParameters() {
        var jwt = TemplateRoutes.Auth.JWT;
        var verify = new TemplateRoutes.Route("F", "POST", "/2fa/verify", "a.B", "handleRequest", jwt);
        var item = new TemplateRoutes.Route("F", "GET", "/items/{id}", "a.B", "handleRequest", jwt);
        var proxy = new TemplateRoutes.Route("F", "ANY", "/files/{path+}", "a.B", "handleRequest", jwt);

        assertThat(verify.match("POST", "/2fa/verify")).contains(Map.of());
        assertThat(verify.match("GET", "/2fa/verify")).isEmpty();
        assertThat(verify.match("POST", "/2fa/verify/")).isEmpty();
        assertThat(verify.match("POST", "/2fa")).isEmpty();
        assertThat(item.match("GET", "/items/42")).contains(Map.of("id", "42"));
        assertThat(item.match("GET", "/items/")).isEmpty();
        assertThat(item.match("GET", "/items/42/x")).isEmpty();
        assertThat(proxy.match("DELETE", "/files/a/b/c")).contains(Map.of("path", "a/b/c"));
    }
}
