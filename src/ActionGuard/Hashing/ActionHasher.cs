using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace ActionGuard.Hashing;

/// <summary>
/// Computes the <c>actionHash</c> that binds an approval to one exact action and its full arguments.
/// </summary>
/// <remarks>
/// <para>
/// <c>actionHash</c> = <c>"sha256:"</c> + lowercase hex SHA-256 of the RFC 8785 canonical JSON (UTF-8) of
/// <c>{"arguments": {…}, "destination", "environment", "kind", "name", "nonce", "resource"}</c>, members in that
/// (ordinal) order:
/// </para>
/// <list type="bullet">
/// <item><description><c>kind</c> is the wire name (<c>data_export</c>, or the custom kind); <c>name</c> the action name.</description></item>
/// <item><description><c>resource</c>, <c>destination</c> and <c>environment</c> are always present, JSON <c>null</c> when absent.
/// <c>environment</c> is the action's own, else the configured default.</description></item>
/// <item><description><c>nonce</c> is the base64url (no padding) of 16 random bytes that never leave the agent process, so the
/// hash reveals nothing about the arguments (sensitive ones included) to anyone who sees it.</description></item>
/// <item><description><c>arguments</c> maps each argument name to its FULL value — redaction never applies to the hash. Two
/// arguments with the same name are refused with an <see cref="ArgumentException"/>.</description></item>
/// </list>
/// <para>Argument values become JSON as follows:</para>
/// <list type="bullet">
/// <item><description><c>null</c>, <see cref="bool"/>, <see cref="string"/> and <see cref="char"/> as themselves; a string with a
/// lone surrogate is refused.</description></item>
/// <item><description>Integers of every width as JSON numbers while |value| ≤ 2^53; beyond that as a string of their exact invariant
/// decimal digits, so precision loss can never make two different amounts hash alike.</description></item>
/// <item><description><see cref="double"/> as a number (ECMAScript form); NaN and ±Infinity as the strings <c>"NaN"</c>,
/// <c>"Infinity"</c>, <c>"-Infinity"</c>. <see cref="float"/> from its own shortest digits (<c>0.1f</c> is <c>0.1</c>).</description></item>
/// <item><description><see cref="decimal"/> as a number when the nearest double is the same amount (in practice up to 15
/// significant digits), otherwise as a string of its exact digits without trailing zeros.</description></item>
/// <item><description><see cref="Guid"/> as <c>"D"</c>; <see cref="DateTime"/>, <see cref="DateTimeOffset"/>, <see cref="DateOnly"/>
/// and <see cref="TimeOnly"/> as ISO 8601 round-trip <c>"O"</c>; <see cref="TimeSpan"/> as constant <c>"c"</c>;
/// <see cref="Uri"/> as its original string; enums as their name (<c>ToString()</c>); <c>byte[]</c> and
/// <see cref="ReadOnlyMemory{T}"/> of bytes as standard base64.</description></item>
/// <item><description>A <see cref="JsonElement"/> or <see cref="JsonDocument"/> as its canonical form.</description></item>
/// <item><description>Anything else through System.Text.Json with <c>ArgumentSerializerOptions</c> (reflection-based defaults when
/// none are configured; trimmed and native AOT apps must configure a source-generated context), then canonicalized.
/// Numbers nested inside such values follow RFC 8785 (read as doubles).</description></item>
/// </list>
/// <para>
/// A string argument and a non-string argument can share a JSON form (<c>"12345678901234567890"</c> and the
/// <see cref="long"/> of those digits when it exceeds 2^53); arguments are bound by name and an action's parameters have
/// fixed types, so this does not widen what an approval allows.
/// </para>
/// </remarks>
internal sealed class ActionHasher
{
    /// <summary>The length of the nonce in bytes.</summary>
    public const int NonceLength = 16;

    private const string Prefix = "sha256:";

    private readonly JsonSerializerOptions? _argumentSerializerOptions;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="argumentSerializerOptions">Options for argument types without a built-in form; made read-only here.</param>
    /// <exception cref="InvalidOperationException">The options have no resolver and reflection-based serialization is disabled.</exception>
    internal ActionHasher(JsonSerializerOptions? argumentSerializerOptions)
    {
        _argumentSerializerOptions = ArgumentValueWriter.Prepare(argumentSerializerOptions);
    }

    /// <summary>The length of a hash in characters: <c>sha256:</c> and 64 hex digits.</summary>
    public const int HashLength = 7 + (2 * SHA256.HashSizeInBytes);

    /// <summary>Computes the action hash.</summary>
    /// <param name="action">The action with its full arguments.</param>
    /// <param name="environment">The effective environment (the action's own, else the configured one), or <see langword="null"/>.</param>
    /// <param name="nonce">The 16 secret random bytes generated for this approval.</param>
    /// <returns><c>sha256:</c> followed by 64 lowercase hex digits.</returns>
    /// <exception cref="ArgumentException">The nonce is not 16 bytes, two arguments share a name, or a value has no canonical form.</exception>
    internal string ComputeHash(GuardedAction action, string? environment, ReadOnlySpan<byte> nonce)
    {
        Span<char> text = stackalloc char[HashLength];
        WriteHash(action, environment, nonce, text);
        return new string(text);
    }

    /// <summary>
    /// Recomputes the action hash and returns <paramref name="expected"/> itself when it is unchanged (compared in
    /// constant time), else the new hash: the common case allocates no second string.
    /// </summary>
    /// <param name="action">The action with its full arguments, as they are now.</param>
    /// <param name="environment">The effective environment, as for <see cref="ComputeHash"/>.</param>
    /// <param name="nonce">The nonce the expected hash was computed with.</param>
    /// <param name="expected">The hash computed earlier.</param>
    /// <returns>The current hash: <paramref name="expected"/> when equal, otherwise a new string.</returns>
    /// <exception cref="ArgumentException">As for <see cref="ComputeHash"/>.</exception>
    internal string Recompute(GuardedAction action, string? environment, ReadOnlySpan<byte> nonce, string expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Span<char> text = stackalloc char[HashLength];
        WriteHash(action, environment, nonce, text);
        return expected.Length == HashLength
            && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes((ReadOnlySpan<char>)text), MemoryMarshal.AsBytes(expected.AsSpan()))
            ? expected
            : new string(text);
    }

    private void WriteHash(GuardedAction action, string? environment, ReadOnlySpan<byte> nonce, Span<char> destination)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (nonce.Length != NonceLength)
        {
            throw new ArgumentException($"The nonce must be {NonceLength} bytes.", nameof(nonce));
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        using (PooledBufferWriter buffer = PooledBufferWriter.Rent())
        {
            var writer = new CanonicalJsonWriter(buffer);
            writer.WriteStartObject();
            writer.WritePropertyNameAscii("arguments"u8);
            WriteArguments(ref writer, action.Arguments);
            writer.WritePropertyNameAscii("destination"u8);
            WriteNullableString(ref writer, action.Destination);
            writer.WritePropertyNameAscii("environment"u8);
            WriteNullableString(ref writer, environment);
            writer.WritePropertyNameAscii("kind"u8);
            writer.WriteString(action.Kind.Name);
            writer.WritePropertyNameAscii("name"u8);
            writer.WriteString(action.Name);
            writer.WritePropertyNameAscii("nonce"u8);
            writer.WriteBase64UrlString(nonce);
            writer.WritePropertyNameAscii("resource"u8);
            WriteNullableString(ref writer, action.Resource);
            writer.WriteEndObject();

            SHA256.HashData(buffer.WrittenSpan, digest);
        }

        Prefix.CopyTo(destination);
        Convert.TryToHexStringLower(digest, destination[Prefix.Length..], out _);
    }

    private static void WriteNullableString(ref CanonicalJsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNull();
        }
        else
        {
            writer.WriteString(value);
        }
    }

    private void WriteArguments(ref CanonicalJsonWriter writer, IReadOnlyList<ActionArgument> arguments)
    {
        int count = arguments.Count;
        writer.WriteStartObject();
        if (count == 0)
        {
            writer.WriteEndObject();
            return;
        }

        // Sort indexes, not arguments, by ordinal name; small lists stay on the stack.
        int[]? rented = null;
        Span<int> order = count <= 32 ? stackalloc int[count] : (rented = ArrayPool<int>.Shared.Rent(count)).AsSpan(0, count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                if (arguments[i].Name is null)
                {
                    throw new ArgumentException("An argument of the action has no name.", nameof(arguments));
                }

                order[i] = i;
            }

            if (count <= 32)
            {
                // Insertion sort: MemoryExtensions.Sort boxes the comparer and wraps it in a delegate.
                for (int i = 1; i < count; i++)
                {
                    int current = order[i];
                    int j = i - 1;
                    while (j >= 0 && string.CompareOrdinal(arguments[order[j]].Name, arguments[current].Name) > 0)
                    {
                        order[j + 1] = order[j];
                        j--;
                    }

                    order[j + 1] = current;
                }
            }
            else
            {
                order.Sort(new ArgumentNameComparer(arguments));
            }
            string? previous = null;
            for (int i = 0; i < count; i++)
            {
                ActionArgument argument = arguments[order[i]];
                if (string.Equals(previous, argument.Name, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"The action has more than one argument named \"{argument.Name}\".", nameof(arguments));
                }

                previous = argument.Name;
                writer.WritePropertyName(argument.Name);
                ArgumentValueWriter.Write(ref writer, argument.Value, _argumentSerializerOptions);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }

        writer.WriteEndObject();
    }

    private readonly struct ArgumentNameComparer(IReadOnlyList<ActionArgument> arguments) : IComparer<int>
    {
        public int Compare(int x, int y) => string.CompareOrdinal(arguments[x].Name, arguments[y].Name);
    }
}
