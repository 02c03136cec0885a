using System.Buffers.Binary;
using System.Text.Json;

namespace Sightline.ModelImport;

/// <summary>
/// Reads the weights manifest: each group's shards are concatenated in order and sliced into the listed weights.
/// Quantised weights (the manifest's <c>quantization</c> field) are expanded to float32: float16 by conversion,
/// uint8/uint16 as <c>q * scale + min</c>.
/// </summary>
internal static class TfjsWeights
{
    public static async Task<Dictionary<string, TfTensor>> ReadAsync(JsonElement root, string directory, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, TfTensor>(StringComparer.Ordinal);
        if (!root.TryGetProperty("weightsManifest", out var manifest))
            return result;
        if (manifest.ValueKind != JsonValueKind.Array)
            throw SightlineException.InvalidParameter("weightsManifest must be an array of groups.");
        foreach (var group in manifest.EnumerateArray())
        {
            byte[] bytes = await ReadShardsAsync(group, directory, cancellationToken).ConfigureAwait(false);
            long offset = 0;
            foreach (var w in group.GetProperty("weights").EnumerateArray())
            {
                string name = w.GetProperty("name").GetString() ?? "";
                long[] shape = [.. w.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];
                string dtype = w.GetProperty("dtype").GetString() ?? "";
                long count = TfTensor.ElementCount(shape);
                var quant = w.TryGetProperty("quantization", out var q) ? q : default;
                string stored = quant.ValueKind == JsonValueKind.Object ? quant.GetProperty("dtype").GetString() ?? "" : dtype;
                int width = stored switch
                {
                    "float32" or "int32" => 4,
                    "float16" or "uint16" => 2,
                    "uint8" or "bool" => 1,
                    _ => throw SightlineException.InvalidParameter($"Weight '{name}' has unsupported dtype '{stored}'."),
                };
                long size = count * width;
                if (offset + size > bytes.Length)
                    throw SightlineException.InvalidParameter($"Weight shards of group [{string.Join(", ", Paths(group))}] hold {bytes.Length} bytes, but weight '{name}' needs bytes {offset}..{offset + size}: a shard is truncated or the manifest is wrong.");
                var span = bytes.AsSpan((int)offset, (int)size);
                result[name] = Decode(name, dtype, stored, quant, shape, span, (int)count);
                offset += size;
            }
            if (offset != bytes.Length)
                throw SightlineException.InvalidParameter($"Weight shards of group [{string.Join(", ", Paths(group))}] hold {bytes.Length} bytes but the manifest lists {offset}.");
        }
        return result;
    }

    private static IEnumerable<string> Paths(JsonElement group) =>
        group.GetProperty("paths").EnumerateArray().Select(p => p.GetString() ?? "");

    private static async Task<byte[]> ReadShardsAsync(JsonElement group, string directory, CancellationToken cancellationToken)
    {
        using var all = new MemoryStream();
        foreach (string shard in Paths(group))
        {
            if (shard.Contains("..", StringComparison.Ordinal) || System.IO.Path.IsPathRooted(shard))
                throw SightlineException.InvalidParameter($"Weight shard path '{shard}' must be relative to the model.json folder.");
            string file = System.IO.Path.Combine(directory, shard);
            if (!File.Exists(file))
                throw SightlineException.InvalidParameter($"Weight shard {file} is missing.");
            await using var stream = File.OpenRead(file);
            await stream.CopyToAsync(all, cancellationToken).ConfigureAwait(false);
        }
        return all.ToArray();
    }

    private static TfTensor Decode(string name, string dtype, string stored, JsonElement quant, long[] shape, ReadOnlySpan<byte> span, int count)
    {
        float scale = 1, min = 0;
        if (stored is "uint8" or "uint16")
        {
            scale = quant.GetProperty("scale").GetSingle();
            min = quant.GetProperty("min").GetSingle();
        }
        switch (dtype)
        {
            case "float32":
            {
                var values = new float[count];
                for (int i = 0; i < count; i++)
                    values[i] = Read(stored, span, i, scale, min);
                return TfTensor.OfFloats(shape, values);
            }
            case "int32":
            {
                var values = new long[count];
                for (int i = 0; i < count; i++)
                    values[i] = stored == "int32" ? BinaryPrimitives.ReadInt32LittleEndian(span[(i * 4)..]) : (long)MathF.Round(Read(stored, span, i, scale, min));
                return TfTensor.OfInts(ElementType.Int32, shape, values);
            }
            case "bool":
            {
                var values = new long[count];
                for (int i = 0; i < count; i++)
                    values[i] = span[i] != 0 ? 1 : 0;
                return TfTensor.OfInts(ElementType.Bool, shape, values);
            }
            default:
                throw SightlineException.InvalidParameter($"Weight '{name}' has unsupported dtype '{dtype}'.");
        }
    }

    private static float Read(string stored, ReadOnlySpan<byte> span, int i, float scale, float min) => stored switch
    {
        "float32" => BinaryPrimitives.ReadSingleLittleEndian(span[(i * 4)..]),
        "float16" => (float)BinaryPrimitives.ReadHalfLittleEndian(span[(i * 2)..]),
        "uint16" => BinaryPrimitives.ReadUInt16LittleEndian(span[(i * 2)..]) * scale + min,
        "uint8" => span[i] * scale + min,
        _ => BinaryPrimitives.ReadInt32LittleEndian(span[(i * 4)..]),
    };
}
