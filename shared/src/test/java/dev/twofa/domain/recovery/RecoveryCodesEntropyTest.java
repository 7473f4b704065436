package dev.twofa.domain.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecoveryCodesEntropyTest {

    /** 60 random bits per code: every one of the 12 symbol positions varies across a set (all equal: 32^-9). */
    @Test
    void everySymbolPosition_isDrawnAtRandom() {
        List<String> codes = new RecoveryCodes(new SecureRandom()).generate();
        for (int position = 0; position < 14; position++) {
            if (position == 4 || position == 9) {
                continue; // the hyphens
            }
            Set<Character> seen = new HashSet<>();
            for (String code : codes) {
                seen.add(code.charAt(position));
            }
            assertThat(seen).as("symbols at position %d", position).hasSizeGreaterThan(1);
        }
    }
}
