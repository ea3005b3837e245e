package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.QuotingPools;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The first hour, credentials, twelfth break: passwords masked only in part. A value was cut at the first blank or
 * at a character the driver does not separate by: a password with blanks or tabs after {@code ?password=},
 * {@code &pwd=}, H2's {@code ;PASSWORD=}, SQL Server's and DB2's {@code ;password=}; SQL Server's braced value with
 * an escaped {@code }}} ({@code {a}}b;c}}); a query value holding {@code ,} or {@code ;}. User information with an
 * {@code @} in the user name ({@code //us@er:pw@host}) or an empty user ({@code //:pw@host}) was not masked at all,
 * nor a value under {@code passcode}. Each showed the rest of the secret through the wrapped connection's
 * {@code toString()} and the start-up errors of a pool quoting its URL.
 */
class ConfigBreak12Test {

    // the URL a driver or pool quotes | a part of its secret that must not be shown
    private static final String URLS = """
            jdbc:postgresql://db/shop?user=shop&password=Kx7 blank Zq9&ssl=true|blank Zq9
            jdbc:postgresql://db/shop?password=Kx7\tTabbed4&user=shop|Tabbed4
            jdbc:mysql://db:3306/shop?user=shop&pwd=Kx7 Pwd8 Zq9&ssl=true|Pwd8 Zq9
            jdbc:h2:mem:shop;USER=sa;PASSWORD=Kx7 H2blank Zq9;MODE=MySQL|H2blank Zq9
            jdbc:h2:mem:shop;USER=sa;PASSWORD=Kx7\tH2tab|H2tab
            jdbc:sqlserver://db:1433;user=sa;password={Kx7}}Br4;Ce5};encrypt=true|Br4;Ce5
            jdbc:sqlserver://db:1433;user=sa;password={Kx7}}}}Br6};encrypt=true|Br6
            jdbc:sqlserver://db:1433;user=sa;password=Kx7 Ss8 Zq9;encrypt=true|Ss8 Zq9
            jdbc:db2://db:50000/shop:user=shop;password=Kx7 Db2x Zq9;|Db2x Zq9
            jdbc:mysql://us@er:Kx7At9@db:3306/shop|Kx7At9
            jdbc:mysql://sh@p@er:Kx7At8@db:3306/shop?ssl=true|Kx7At8
            jdbc:postgresql://user:Kx7@Pa55@db:5432/shop|Pa55
            jdbc:mariadb://:Kx7NoUser@db:3306/shop|Kx7NoUser
            jdbc:postgresql://:Kx7NoUser2@db/shop?ssl=true|Kx7NoUser2
            jdbc:mysql://db:3306/shop?user=shop&passcode=Kx7Pc5&ssl=true|Kx7Pc5
            jdbc:mysql://db:3306/shop?passcode=Kx7 Pc6&user=shop|Pc6
            jdbc:mysql://db:3306/shop?user=shop&password=Kx7,Cm8,Zq9&ssl=true|Cm8
            jdbc:postgresql://db/shop?user=shop&password=Kx7;Sc8&ssl=true|Sc8
            """;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = URLS)
    void theWrappedConnectionsToStringMasksTheWholePasswordToTheDriversSeparator(String url, String secret)
            throws SQLException {
        assertThat(QuotingPools.wrappedConnectionText(url)).startsWith("DualWriteConnection wrapping")
                .contains("******").doesNotContain(secret).doesNotContain("Kx7");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = URLS)
    void theStartUpErrorOfAPoolQuotingItsUrlMasksTheWholePasswordToTheDriversSeparator(String url, String secret) {
        assertThat(QuotingPools.startUpErrorText(url)).contains("******").doesNotContain(secret)
                .doesNotContain("Kx7");
    }
}
