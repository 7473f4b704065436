package dev.twofa.domain.sms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SmsPurposeTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"ENABLE, enable", "LOGIN, login", "DISABLE, disable"})
    void apiName_isTheLowerCaseNameTheApiUses(SmsPurpose purpose, String apiName) {
        assertThat(purpose.apiName()).isEqualTo(apiName);
    }

    @ParameterizedTest
    @EnumSource(SmsPurpose.class)
    void fromApiName_roundTrips(SmsPurpose purpose) {
        assertThat(SmsPurpose.fromApiName(purpose.apiName())).contains(purpose);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullSource
    @ValueSource(strings = {"", "LOGIN", "Login", " login", "login ", "ENABLE", "signin", "enable,login"})
    void fromApiName_isEmpty_forAnythingButAnExactApiName(String apiName) {
        assertThat(SmsPurpose.fromApiName(apiName)).isEmpty();
    }

    @Test
    void values_areExactlyEnableLoginDisable() {
        assertThat(SmsPurpose.values()).containsExactly(SmsPurpose.ENABLE, SmsPurpose.LOGIN, SmsPurpose.DISABLE);
    }
}
