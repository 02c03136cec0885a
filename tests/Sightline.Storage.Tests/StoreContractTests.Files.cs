using System.Security.Cryptography;

namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static byte[] Content(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A finished file made where a writer makes it, handed over to the store.</summary>
    protected static async Task PutBytesAsync(IFileStore files, string key, byte[] content)
    {
        string temp = files.TempPath(key);
        await File.WriteAllBytesAsync(temp, content, Ct);
        await files.PutAsync(key, temp, Ct);
        Assert.False(File.Exists(temp), "the handed-over file was left behind");
    }

    protected static async Task<byte[]?> ReadAsync(IFileStore files, string key) =>
        await files.TryGetLocalAsync(key, Ct) is { } path ? await File.ReadAllBytesAsync(path, Ct) : null;

    [Fact]
    public async Task A_file_put_is_read_back_replaced_whole_and_deleted()
    {
        byte[] first = Content(1000, 1), second = Content(10, 2);
        Assert.Null(await S.Files.TryGetLocalAsync("events/e1.jpg", Ct));
        await PutBytesAsync(S.Files, "events/e1.jpg", first);
        Assert.Equal(first, await ReadAsync(S.Files, "events/e1.jpg"));

        await PutBytesAsync(S.Files, "events/e1.jpg", second);
        Assert.Equal(second, await ReadAsync(S.Files, "events/e1.jpg"));

        Assert.True(await S.Files.DeleteAsync("events/e1.jpg", Ct));
        Assert.Null(await S.Files.TryGetLocalAsync("events/e1.jpg", Ct));
        Assert.False(await S.Files.DeleteAsync("events/e1.jpg", Ct));
    }

    [Fact]
    public async Task Empty_and_large_files_round_trip_byte_for_byte()
    {
        byte[] large = Content(5 * 1024 * 1024 + 17, 3);
        await PutBytesAsync(S.Files, "redactions/job/output.mp4", large);
        await PutBytesAsync(S.Files, "redactions/job/empty.json", []);
        byte[] read = (await ReadAsync(S.Files, "redactions/job/output.mp4"))!;
        Assert.Equal(SHA256.HashData(large), SHA256.HashData(read));
        Assert.Equal(Array.Empty<byte>(), await ReadAsync(S.Files, "redactions/job/empty.json"));
    }

    [Fact]
    public async Task A_file_can_be_put_from_anywhere_on_disk()
    {
        string elsewhere = Path.Combine(_secrets, "made-elsewhere.onnx");
        await File.WriteAllBytesAsync(elsewhere, [1, 2, 3], Ct);
        await S.Files.PutAsync("detectors/d.onnx", elsewhere, Ct);
        Assert.Equal([1, 2, 3], await ReadAsync(S.Files, "detectors/d.onnx"));
    }

    [Fact]
    public async Task A_folder_lists_its_own_files_only()
    {
        await PutBytesAsync(S.Files, "events/a.jpg", [1]);
        await PutBytesAsync(S.Files, "events/a.path.json", [1, 2]);
        await PutBytesAsync(S.Files, "events/sub/b.jpg", [1]);
        await PutBytesAsync(S.Files, "eventsx/c.jpg", [1]);
        var listed = await S.Files.ListAsync("events", Ct).ToListAsync(Ct);
        Assert.Equal(["events/a.jpg", "events/a.path.json"], listed.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.Equal(2, listed.Single(f => f.Key == "events/a.path.json").Size);
        Assert.Empty(await S.Files.ListAsync("nothing", Ct).ToListAsync(Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../secrets/key")]
    [InlineData("events/../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("events//a.jpg")]
    [InlineData("events/./a.jpg")]
    [InlineData("events\\a.jpg")]
    [InlineData("events/a~1.jpg")]
    [InlineData("C:/a.jpg")]
    public async Task Keys_that_could_escape_their_folder_are_refused(string key)
    {
        string local = Path.Combine(_secrets, "x.bin");
        await File.WriteAllBytesAsync(local, [1], Ct);
        await FailsAsync(ErrorKind.InvalidParameter, () => S.Files.PutAsync(key, local, Ct));
        await FailsAsync(ErrorKind.InvalidParameter, () => S.Files.TryGetLocalAsync(key, Ct));
        await FailsAsync(ErrorKind.InvalidParameter, () => S.Files.DeleteAsync(key, Ct));
        Assert.True(File.Exists(local));
    }
}
