using System.Diagnostics;
using System.Net;

namespace Sightline.Cli.Tests;

/// <summary>
/// The CLI and a running server on the same data: a face the CLI indexes (or deletes) is seen by the server's
/// already loaded index within a second, through the store's face change log.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class IndexCoherenceTests
{
    private static string Image(string id) => Convert.ToBase64String(File.ReadAllBytes(SightlineCli.Fixture(id)));

    [Fact]
    public async Task A_face_indexed_by_the_cli_is_found_by_the_running_server_within_a_second()
    {
        await using var server = await ServerProcess.StartAsync();
        string data = server.Data.Path;
        Assert.Equal(0, SightlineCli.Run("collections", "create", "shared", "--data", data).ExitCode);
        var first = SightlineCli.Run("faces", "index", "shared", SightlineCli.Fixture("sample1"), "--json", "--data", data).Json();
        string firstFace = first.GetProperty("FaceRecords")[0].GetProperty("Face").GetProperty("FaceId").GetString()!;
        Assert.Contains(firstFace, await FoundAsync(server, "sample1")); // the server has loaded the collection's index

        var indexed = SightlineCli.Run("faces", "index", "shared", SightlineCli.Fixture("sample4"), "--json", "--data", data).Json();
        var added = indexed.GetProperty("FaceRecords").EnumerateArray().Select(r => r.GetProperty("Face").GetProperty("FaceId").GetString()!).ToList();
        Assert.NotEmpty(added);
        var clock = Stopwatch.StartNew();
        Assert.Contains(added[0], await FoundAsync(server, "sample4"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"found after {clock.Elapsed}");

        Assert.Equal(0, SightlineCli.Run("faces", "delete", "shared", firstFace, "--data", data).ExitCode);
        clock.Restart();
        Assert.DoesNotContain(firstFace, await FoundAsync(server, "sample1", without: firstFace));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"gone after {clock.Elapsed}");
    }

    /// <summary>Searches until the expected change shows (or a second has passed) and returns the face ids found.</summary>
    private static async Task<List<string>> FoundAsync(ServerProcess server, string fixture, string? without = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var (status, body) = await server.CallAwsAsync("SearchFacesByImage", new { CollectionId = "shared", Image = new { Bytes = Image(fixture) }, MaxFaces = 100 }, "analyst");
            Assert.Equal(HttpStatusCode.OK, status);
            var ids = body.GetProperty("FaceMatches").EnumerateArray().Select(m => m.GetProperty("Face").GetProperty("FaceId").GetString()!).ToList();
            bool done = without is null ? ids.Count > 0 : !ids.Contains(without);
            if (done || deadline.Elapsed > TimeSpan.FromSeconds(1))
                return ids;
            await Task.Delay(50);
        }
    }
}
