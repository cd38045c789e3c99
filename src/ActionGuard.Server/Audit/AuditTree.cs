using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace ActionGuard.Server.Audit;

/// <summary>
/// The audit log as a Merkle tree, exactly as Certificate Transparency builds one (RFC 9162, section 2.1): leaf <c>i</c>
/// is <c>SHA-256(0x00 || UTF-8 of record i's chain hash)</c>, an inner node <c>SHA-256(0x01 || left || right)</c>, and
/// a tree of <c>n</c> leaves splits at the largest power of two below <c>n</c>. A signed tree head (a checkpoint)
/// commits to every record up to its size; an inclusion proof shows one record is in it, and a consistency proof that
/// a later tree extends it without changing a record — which a cut or rewritten log cannot show.
/// </summary>
internal static class AuditTree
{
    public static byte[] LeafHash(string recordHash)
    {
        var bytes = Encoding.UTF8.GetBytes(recordHash);
        var input = new byte[bytes.Length + 1];
        bytes.CopyTo(input, 1);
        return SHA256.HashData(input);
    }

    /// <summary>The root of the first <paramref name="size"/> leaves (the hash of nothing for an empty log).</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leaves, int size) =>
        size == 0 ? SHA256.HashData(ReadOnlySpan<byte>.Empty) : Subtree(leaves, 0, size);

    /// <summary>The audit path of leaf <paramref name="index"/> in the tree of the first <paramref name="size"/> leaves.</summary>
    public static List<byte[]> InclusionProof(IReadOnlyList<byte[]> leaves, int index, int size)
    {
        var proof = new List<byte[]>();
        Path(leaves, index, 0, size, proof);
        return proof;
    }

    /// <summary>The proof that the tree of <paramref name="size"/> leaves extends the tree of <paramref name="from"/>.</summary>
    public static List<byte[]> ConsistencyProof(IReadOnlyList<byte[]> leaves, int from, int size)
    {
        var proof = new List<byte[]>();
        if (from > 0 && from < size)
        {
            SubProof(leaves, from, 0, size, complete: true, proof);
        }

        return proof;
    }

    /// <summary>RFC 9162, 2.1.3.2: whether <paramref name="proof"/> places the leaf at <paramref name="index"/> under <paramref name="root"/>.</summary>
    public static bool VerifyInclusion(byte[] leafHash, long index, long size, IReadOnlyList<byte[]> proof, byte[] root)
    {
        if (index < 0 || index >= size || !AllHashes(proof) || leafHash.Length != SHA256.HashSizeInBytes)
        {
            return false;
        }

        var fn = index;
        var sn = size - 1;
        var r = leafHash;
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = Node(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = Node(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && CryptographicOperations.FixedTimeEquals(r, root);
    }

    /// <summary>RFC 9162, 2.1.4.2: whether <paramref name="proof"/> shows the tree <paramref name="secondRoot"/> of <paramref name="second"/> leaves extends <paramref name="firstRoot"/>.</summary>
    public static bool VerifyConsistency(long first, long second, byte[] firstRoot, byte[] secondRoot, IReadOnlyList<byte[]> proof)
    {
        if (first < 1 || first > second || !AllHashes(proof) || firstRoot.Length != SHA256.HashSizeInBytes || secondRoot.Length != SHA256.HashSizeInBytes)
        {
            return false;
        }

        if (first == second)
        {
            return proof.Count == 0 && CryptographicOperations.FixedTimeEquals(firstRoot, secondRoot);
        }

        if (proof.Count == 0)
        {
            return false;
        }

        var path = BitOperations.IsPow2(first) ? [firstRoot, .. proof] : proof.ToList();
        var fn = first - 1;
        var sn = second - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = path[0];
        var sr = path[0];
        for (var i = 1; i < path.Count; i++)
        {
            var c = path[i];
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = Node(c, fr);
                sr = Node(c, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                sr = Node(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && CryptographicOperations.FixedTimeEquals(fr, firstRoot) && CryptographicOperations.FixedTimeEquals(sr, secondRoot);
    }

    private static byte[] Subtree(IReadOnlyList<byte[]> leaves, int start, int end)
    {
        var n = end - start;
        if (n == 1)
        {
            return leaves[start];
        }

        var k = Split(n);
        return Node(Subtree(leaves, start, start + k), Subtree(leaves, start + k, end));
    }

    private static void Path(IReadOnlyList<byte[]> leaves, int index, int start, int end, List<byte[]> proof)
    {
        var n = end - start;
        if (n <= 1)
        {
            return;
        }

        var k = Split(n);
        if (index < k)
        {
            Path(leaves, index, start, start + k, proof);
            proof.Add(Subtree(leaves, start + k, end));
        }
        else
        {
            Path(leaves, index - k, start + k, end, proof);
            proof.Add(Subtree(leaves, start, start + k));
        }
    }

    private static void SubProof(IReadOnlyList<byte[]> leaves, int m, int start, int end, bool complete, List<byte[]> proof)
    {
        var n = end - start;
        if (m == n)
        {
            if (!complete)
            {
                proof.Add(Subtree(leaves, start, end));
            }

            return;
        }

        var k = Split(n);
        if (m <= k)
        {
            SubProof(leaves, m, start, start + k, complete, proof);
            proof.Add(Subtree(leaves, start + k, end));
        }
        else
        {
            SubProof(leaves, m - k, start + k, end, complete: false, proof);
            proof.Add(Subtree(leaves, start, start + k));
        }
    }

    private static bool AllHashes(IReadOnlyList<byte[]> proof) => proof.All(p => p.Length == SHA256.HashSizeInBytes);

    // The largest power of two smaller than n (n >= 2).
    private static int Split(int n) => 1 << (BitOperations.Log2((uint)(n - 1)));

    private static byte[] Node(byte[] left, byte[] right)
    {
        Span<byte> input = stackalloc byte[1 + (2 * SHA256.HashSizeInBytes)];
        input[0] = 1;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + SHA256.HashSizeInBytes)..]);
        return SHA256.HashData(input);
    }
}
