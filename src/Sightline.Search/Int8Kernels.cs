using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sightline.Search;

/// <summary>
/// Dot products of int8 vectors, the inner loop of exact search. Widening to int16 then multiply-add of adjacent
/// pairs into int32 (vpmaddwd) is exact for any dimension up to 2^16 (|a·b| ≤ 127²·D). The ladder is
/// Vector512 → Vector256 → scalar; every rung is checked against the scalar one in tests.
/// </summary>
public static class Int8Kernels
{
    /// <summary>Scalar reference.</summary>
    public static int DotScalar(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        int sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        if (Avx512BW.IsSupported && a.Length >= 32)
            return Dot512(a, b);
        if (Avx2.IsSupported && a.Length >= 16)
            return Dot256(a, b);
        return DotScalar(a, b);
    }

    internal static int Dot512(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        ref sbyte ra = ref MemoryMarshal.GetReference(a);
        ref sbyte rb = ref MemoryMarshal.GetReference(b);
        var acc = Vector512<int>.Zero;
        int i = 0, n = a.Length - 32;
        for (; i <= n; i += 32)
        {
            var va = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref ra, (nuint)i));
            var vb = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref rb, (nuint)i));
            acc = Avx512F.Add(acc, Avx512BW.MultiplyAddAdjacent(va, vb));
        }
        int sum = Vector512.Sum(acc);
        for (; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }

    internal static int Dot256(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        ref sbyte ra = ref MemoryMarshal.GetReference(a);
        ref sbyte rb = ref MemoryMarshal.GetReference(b);
        var acc = Vector256<int>.Zero;
        int i = 0, n = a.Length - 16;
        for (; i <= n; i += 16)
        {
            var va = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref ra, (nuint)i));
            var vb = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref rb, (nuint)i));
            acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(va, vb));
        }
        int sum = Vector256.Sum(acc);
        for (; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }

    /// <summary>
    /// Scores one query against <paramref name="count"/> consecutive rows of <paramref name="dim"/> bytes.
    /// The query is widened once; each row is one pass of loads, converts and multiply-adds.
    /// </summary>
    public static void DotMany(ReadOnlySpan<sbyte> query, ReadOnlySpan<sbyte> rows, int dim, Span<int> scores)
    {
        int count = scores.Length;
        if (Avx512BW.IsSupported && dim % 32 == 0)
        {
            DotMany512(query, rows, dim, scores);
            return;
        }
        for (int r = 0; r < count; r++)
            scores[r] = Dot(query, rows.Slice(r * dim, dim));
    }

    private static void DotMany512(ReadOnlySpan<sbyte> query, ReadOnlySpan<sbyte> rows, int dim, Span<int> scores)
    {
        int chunks = dim / 32;
        Span<Vector512<short>> q = chunks <= 64 ? stackalloc Vector512<short>[chunks] : new Vector512<short>[chunks];
        ref sbyte rq = ref MemoryMarshal.GetReference(query);
        for (int c = 0; c < chunks; c++)
            q[c] = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref rq, (nuint)(c * 32)));
        ref sbyte rr = ref MemoryMarshal.GetReference(rows);
        for (int r = 0; r < scores.Length; r++)
        {
            nuint offset = (nuint)(r * dim);
            var acc0 = Vector512<int>.Zero;
            var acc1 = Vector512<int>.Zero;
            int c = 0;
            for (; c + 1 < chunks; c += 2)
            {
                var v0 = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref rr, offset + (nuint)(c * 32)));
                var v1 = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref rr, offset + (nuint)(c * 32 + 32)));
                acc0 = Avx512F.Add(acc0, Avx512BW.MultiplyAddAdjacent(v0, q[c]));
                acc1 = Avx512F.Add(acc1, Avx512BW.MultiplyAddAdjacent(v1, q[c + 1]));
            }
            if (c < chunks)
            {
                var v = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref rr, offset + (nuint)(c * 32)));
                acc0 = Avx512F.Add(acc0, Avx512BW.MultiplyAddAdjacent(v, q[c]));
            }
            scores[r] = Vector512.Sum(Avx512F.Add(acc0, acc1));
        }
    }
}
