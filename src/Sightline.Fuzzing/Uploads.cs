using System.IO.Compression;
using System.Text;

namespace Sightline.Fuzzing;

/// <summary>Multipart bodies (well formed and not) and zip archives for the native API's uploads.</summary>
internal static class Uploads
{
    public static readonly string[] PartNames = ["image", "source", "target", "model", "labels", "id", "file", "layout", "inputSize"];

    /// <summary>A multipart/form-data body and its Content-Type; odd ones half the time.</summary>
    public static (byte[] Body, string ContentType, string Mutation) Multipart(Random rng, IReadOnlyList<string> parts, Func<string, byte[]> content)
    {
        string boundary = rng.Chance(0.9) ? "fuzz" + rng.Next(1_000_000) : rng.One(["", " ", "\"q\"", new string('b', 200), "a;b", "é"]);
        var body = new MemoryStream();
        void Write(string s) => body.Write(Encoding.UTF8.GetBytes(s));
        string mutation = "multipart";
        int odd = rng.Chance(0.5) ? rng.Next(9) : -1;
        int count = odd == 0 ? rng.One([0, 1_100, 5_000]) : parts.Count;
        for (int i = 0; i < count; i++)
        {
            string name = odd == 0 ? "p" + i : parts[i];
            Write($"--{boundary}\r\n");
            if (odd != 1)
                Write($"Content-Disposition: form-data; name=\"{name}\"; filename=\"{(odd == 2 ? "../../etc/passwd\u0000.jpg" : name + ".bin")}\"\r\n");
            if (odd == 3)
                Write("X-Huge: " + new string('h', rng.One([100, 20_000, 200_000])) + "\r\n");
            Write("Content-Type: application/octet-stream\r\n\r\n");
            body.Write(odd == 0 ? [1] : content(name));
            Write("\r\n");
        }
        switch (odd)
        {
            case 0: mutation = "multipart-many-parts"; break;
            case 1: mutation = "multipart-no-disposition"; break;
            case 2: mutation = "multipart-path-filename"; break;
            case 3: mutation = "multipart-huge-header"; break;
            case 4: mutation = "multipart-unterminated"; break; // no closing boundary
            case 5: Write($"--{boundary}x--\r\n"); mutation = "multipart-wrong-boundary"; break;
            case 6: body.SetLength(rng.Next((int)Math.Max(1, body.Length))); mutation = "multipart-truncated"; break;
            case 7: Write($"--{boundary}--\r\n"); boundary = "other"; mutation = "multipart-header-boundary-differs"; break;
            default: Write($"--{boundary}--\r\n"); break;
        }
        string type = odd == 8 ? rng.One(["multipart/form-data", "multipart/form-data; boundary=", "multipart/mixed; boundary=" + boundary]) : $"multipart/form-data; boundary={boundary}";
        if (odd == 8) mutation = "multipart-content-type";
        return (body.ToArray(), type, mutation);
    }

    /// <summary>A zip for the evaluation uploads: a small data set, a slip path, a bomb, or no zip at all.</summary>
    public static (byte[] Body, string Mutation) Zip(Random rng, ImageCorpus images)
    {
        int kind = rng.Next(5);
        if (kind == 4)
            return (ImageCorpus.Noise(rng, rng.Next(0, 2048)), "zip-not-a-zip");
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, byte[] data)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
                entry.LastWriteTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero); // not the clock: a case is the same bytes in every run
                using var s = entry.Open();
                s.Write(data);
            }
            switch (kind)
            {
                case 0:
                    Add("a.jpg", images.Next(rng, out _));
                    Add("b.jpg", images.Next(rng, out _));
                    Add(rng.Chance(0.5) ? "pairs.csv" : "identities.csv", Encoding.UTF8.GetBytes(rng.One(["file1,file2,same\na.jpg,b.jpg,1\n", "file,identity\na.jpg,x\nb.jpg,x\n", "a.jpg\n", "\"unclosed,\n", ",,,,\n" + Hostile.String(rng)])));
                    break;
                case 1:
                    Add(rng.One(["../escape.csv", "/abs/pairs.csv", "..\\win.csv", "a/../../b.csv", "pairs.csv/"]), "file1,file2,same\n"u8.ToArray());
                    break;
                case 2:
                    Add("pairs.csv", new byte[rng.One([1 << 20, 64 << 20])]); // zeros: a small zip that unpacks large
                    break;
                default:
                    for (int i = rng.Next(0, 300); i > 0; i--)
                        Add($"f{i}.jpg", []);
                    break;
            }
        }
        var bytes = buffer.ToArray();
        if (kind == 3 && rng.Chance(0.5))
            return (bytes[..rng.Next(bytes.Length)], "zip-truncated");
        return (bytes, kind switch { 0 => "zip-dataset", 1 => "zip-slip", 2 => "zip-bomb", _ => "zip-empty-entries" });
    }
}
