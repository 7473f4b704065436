package dev.twofa.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiResponseTest {

    @Test
    void accepted_is202_withoutHeaders() {
        assertThat(ApiResponse.accepted(Map.of("a", 1))).isEqualTo(new ApiResponse(202, Map.of("a", 1), Map.of()));
        assertThat(ApiResponse.ok("x")).isEqualTo(new ApiResponse(200, "x", Map.of()));
    }

    @Test
    void object_keepsTheOrder_andLeavesNullsOut() {
        assertThat(ApiResponse.object("a", 1, "b", null, "c", "three"))
                .containsExactly(entry("a", 1), entry("c", "three"));
        assertThat(ApiResponse.object()).isEmpty();
        assertThat(ApiResponse.object("only", null)).isEmpty();
    }

    @Test
    void headers_areCopied() {
        Map<String, String> headers = new HashMap<>(Map.of("Retry-After", "2"));
        ApiResponse response = new ApiResponse(503, Map.of(), headers);
        headers.put("X-Other", "1");
        assertThat(response.headers()).containsOnlyKeys("Retry-After");
    }
}
