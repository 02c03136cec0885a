using System.Text;

namespace Sightline.Fuzzing;

/// <summary>Hostile values: JSON fragments of every type, strings that break parsers and paths, numbers at every edge.</summary>
internal static class Hostile
{
    /// <summary>Raw JSON fragments, one of each type and a few that are no JSON at all.</summary>
    public static readonly string[] Fragments =
    [
        "null", "true", "false", "0", "-1", "[]", "{}", "\"\"", "\"x\"", "[null]", "[{}]", "{\"\":null}", "[[[[[]]]]]",
        "1e309", "-1e309", "NaN", "Infinity", "-0", "0x10", "01", "1.", ".5", "+1", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u0000\"",
        "'single'", "undefined", "[1,]", "{\"a\":1,}", "/* c */ 1",
    ];

    /// <summary>Numbers at the edges of every integer and float type, as JSON text.</summary>
    public static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967296", "9223372036854775807",
        "9223372036854775808", "18446744073709551616", "1e38", "3.5e38", "-3.5e38", "1e-46", "1e309", "1.7976931348623157e308",
        "0.5", "99.9999999", "100.0000001", "1E2", "1e+2", "123456789012345678901234567890", "-0.0", "5e-324",
    ];

    /// <summary>Strings that break naive parsers, paths, logs, SQL and headers.</summary>
    public static readonly string[] Strings =
    [
        "", " ", "\t", "\u0000", "a\u0000b", "\r\nX-Injected: 1", "../../../etc/passwd", "..\\..\\windows", "/", "//", "%00", "%2e%2e%2f",
        "%", "%zz", "' OR '1'='1", "\"; DROP TABLE faces; --", "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/a}", "{{7*7}}",
        "\u202eevil", "\u200b", "\ufeff", "\uffff", "\ud83d\ude00", "𝕊𝕚𝕘𝕙𝕥", "é", "e\u0301", "İ", "ß", "ﬁ", "Ω", "\u0085", "\u2028",
        "NaN", "null", "true", "-1", "1e309", "arn:aws:rekognition:us-east-1:000000000000:collection/", "arn:", ":::::", "*", "?", "#",
        "CON", "nul", "aux.txt", "a b", "a/b", "a\\b", "a;b", "a,b", "a=b&c=d", "\u0001\u0002\u0003",
    ];

    public static string Long(Random rng)
    {
        int length = rng.Weighted([50, 30, 15, 5]) switch { 0 => 256, 1 => 4096, 2 => 70_000, _ => 1_500_000 };
        char c = rng.One(['a', 'Z', '9', 'é', '字', '-', '%']);
        return new string(c, length);
    }

    /// <summary>A string made of random code points, surrogate halves and controls included.</summary>
    public static string Unicode(Random rng)
    {
        var text = new StringBuilder();
        int n = rng.Next(1, 40);
        for (int i = 0; i < n; i++)
        {
            int kind = rng.Next(6);
            text.Append(kind switch
            {
                0 => (char)rng.Next(0, 0x20),
                1 => (char)rng.Next(0xD800, 0xE000), // a lone surrogate half
                2 => char.ConvertFromUtf32(rng.Next(0x1F300, 0x1FAFF)),
                3 => (char)rng.Next(0x0300, 0x036F), // combining marks
                4 => (char)rng.Next(0x0590, 0x08FF), // right-to-left scripts
                _ => (char)rng.Next(0x20, 0x7F),
            });
        }
        return text.ToString();
    }

    public static string String(Random rng) => rng.Weighted([60, 20, 20]) switch
    {
        0 => rng.One(Strings),
        1 => Long(rng),
        _ => Unicode(rng),
    };

    /// <summary>Bytes that are not UTF-8: stray continuation bytes, overlong forms, surrogates encoded, a cut sequence.</summary>
    public static byte[] BadUtf8(Random rng) => rng.One<byte[]>([[0x80], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xE2, 0x82]]);
}
