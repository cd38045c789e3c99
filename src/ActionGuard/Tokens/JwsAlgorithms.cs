using System.Security.Cryptography;

namespace ActionGuard.Tokens;

/// <summary>Names and hash functions of <see cref="JwsAlgorithm"/>.</summary>
internal static class JwsAlgorithms
{
    private static readonly string[] Names = ["", "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"];

    /// <summary>Every supported algorithm.</summary>
    public static IEnumerable<JwsAlgorithm> All { get; } = Enum.GetValues<JwsAlgorithm>().Where(a => a != JwsAlgorithm.Unsupported).ToArray();

    public static string Name(JwsAlgorithm algorithm) => Names[(int)algorithm];

    /// <summary>The algorithm whose name is exactly (ordinal, case-sensitive as RFC 7515 requires) <paramref name="utf8Name"/>.</summary>
    public static JwsAlgorithm Parse(ReadOnlySpan<byte> utf8Name) => utf8Name switch
    {
        _ when utf8Name.SequenceEqual("ES256"u8) => JwsAlgorithm.ES256,
        _ when utf8Name.SequenceEqual("ES384"u8) => JwsAlgorithm.ES384,
        _ when utf8Name.SequenceEqual("ES512"u8) => JwsAlgorithm.ES512,
        _ when utf8Name.SequenceEqual("RS256"u8) => JwsAlgorithm.RS256,
        _ when utf8Name.SequenceEqual("RS384"u8) => JwsAlgorithm.RS384,
        _ when utf8Name.SequenceEqual("RS512"u8) => JwsAlgorithm.RS512,
        _ when utf8Name.SequenceEqual("PS256"u8) => JwsAlgorithm.PS256,
        _ when utf8Name.SequenceEqual("PS384"u8) => JwsAlgorithm.PS384,
        _ when utf8Name.SequenceEqual("PS512"u8) => JwsAlgorithm.PS512,
        _ => JwsAlgorithm.Unsupported,
    };

    public static JwsAlgorithm Parse(string? name)
    {
        for (var i = 1; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                return (JwsAlgorithm)i;
            }
        }

        return JwsAlgorithm.Unsupported;
    }

    public static HashAlgorithmName Hash(JwsAlgorithm algorithm) => algorithm switch
    {
        JwsAlgorithm.ES256 or JwsAlgorithm.RS256 or JwsAlgorithm.PS256 => HashAlgorithmName.SHA256,
        JwsAlgorithm.ES384 or JwsAlgorithm.RS384 or JwsAlgorithm.PS384 => HashAlgorithmName.SHA384,
        JwsAlgorithm.ES512 or JwsAlgorithm.RS512 or JwsAlgorithm.PS512 => HashAlgorithmName.SHA512,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };

    public static bool IsEcdsa(JwsAlgorithm algorithm) => algorithm is JwsAlgorithm.ES256 or JwsAlgorithm.ES384 or JwsAlgorithm.ES512;

    public static bool IsRsa(JwsAlgorithm algorithm) =>
        algorithm is JwsAlgorithm.RS256 or JwsAlgorithm.RS384 or JwsAlgorithm.RS512 or JwsAlgorithm.PS256 or JwsAlgorithm.PS384 or JwsAlgorithm.PS512;
}
