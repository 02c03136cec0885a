using System.Net;
using System.Text.Json;

namespace Sightline.Cli.Tests;

/// <summary>DetectLabels through the real server (AWS JSON 1.1 and native /v1) with the pack's converted CenterNet.</summary>
[Collection(CliCollection.Name)]
public sealed class LabelsTests(LabelsServer fixture) : IClassFixture<LabelsServer>
{
    [Theory]
    [InlineData("sample1")]
    [InlineData("sample2")]
    public async Task Person_instances_cover_the_faces_the_server_detects(string photo)
    {
        var image = new { Bytes = LabelsServer.Image(photo) };
        var (s1, faces) = await fixture.CallAsync("DetectFaces", new { Image = image });
        var (s2, labels) = await fixture.CallAsync("DetectLabels", new { Image = image, MinConfidence = 30 });
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (s1, s2));
        Assert.Equal("centernet-coco", labels.GetProperty("LabelModelVersion").GetString());
        var person = labels.GetProperty("Labels").EnumerateArray().Single(l => l.GetProperty("Name").GetString() == "Person");
        Assert.Contains("Person Description", person.GetProperty("Categories").EnumerateArray().Select(c => c.GetProperty("Name").GetString()));
        Assert.Empty(person.GetProperty("Parents").EnumerateArray());
        var people = person.GetProperty("Instances").EnumerateArray().Select(i => Box(i.GetProperty("BoundingBox"))).ToList();
        Assert.True(people.Count >= 2, $"{people.Count} person instance(s)");
        // Every foreground face (the larger ones; sample2 has a small face in the background) lies inside a person box.
        var faceBoxes = faces.GetProperty("FaceDetails").EnumerateArray().Select(f => Box(f.GetProperty("BoundingBox"))).ToList();
        float largest = faceBoxes.Max(f => f.W * f.H);
        foreach (var f in faceBoxes.Where(f => f.W * f.H >= largest / 3))
        {
            float cx = f.L + f.W / 2, cy = f.T + f.H / 2;
            Assert.Contains(people, p => cx >= p.L && cx <= p.L + p.W && cy >= p.T && cy <= p.T + p.H);
        }
        Assert.Equal(person.GetProperty("Confidence").GetSingle(), person.GetProperty("Instances").EnumerateArray().Max(i => i.GetProperty("Confidence").GetSingle()));
    }

    [Fact]
    public async Task Filters_MinConfidence_and_MaxLabels_shape_the_answer()
    {
        var image = new { Bytes = LabelsServer.Image("sample2") };
        static string[] Names(JsonElement body) => [.. body.GetProperty("Labels").EnumerateArray().Select(l => l.GetProperty("Name").GetString()!)];

        var (_, all) = await fixture.CallAsync("DetectLabels", new { Image = image, MinConfidence = 20 });
        var allNames = Names(all);
        Assert.Contains("Person", allNames);
        Assert.True(allNames.Length >= 2, string.Join(", ", allNames));
        var confidences = all.GetProperty("Labels").EnumerateArray().Select(l => l.GetProperty("Confidence").GetSingle()).ToList();
        Assert.Equal(confidences.OrderDescending(), confidences);
        Assert.All(confidences, c => Assert.True(c >= 20));

        var (_, one) = await fixture.CallAsync("DetectLabels", new { Image = image, MinConfidence = 20, MaxLabels = 1 });
        Assert.Equal([allNames[0]], Names(one));

        var (_, included) = await fixture.CallAsync("DetectLabels", new { Image = image, MinConfidence = 20, Features = new[] { "GENERAL_LABELS" },
            Settings = new { GeneralLabels = new { LabelInclusionFilters = new[] { "Person" } } } });
        Assert.Equal(["Person"], Names(included));

        var (_, excluded) = await fixture.CallAsync("DetectLabels", new { Image = image, MinConfidence = 20,
            Settings = new { GeneralLabels = new { LabelExclusionFilters = new[] { "Person" } } } });
        Assert.Equal(allNames.Where(n => n != "Person"), Names(excluded));

        var (_, noPeople) = await fixture.CallAsync("DetectLabels", new { Image = image, MinConfidence = 20,
            Settings = new { GeneralLabels = new { LabelCategoryExclusionFilters = new[] { "Person Description" } } } });
        Assert.DoesNotContain("Person", Names(noPeople));

        var (_, onlyPeople) = await fixture.CallAsync("DetectLabels", new { Image = image, MinConfidence = 20,
            Settings = new { GeneralLabels = new { LabelCategoryInclusionFilters = new[] { "Person Description" } } } });
        Assert.Equal(["Person"], Names(onlyPeople));

        var (_, strict) = await fixture.CallAsync("DetectLabels", new { Image = image, MinConfidence = 99.9 });
        Assert.Empty(Names(strict));

        // Rekognition's default MinConfidence (55) applies when none is sent; calibrated confidences keep the people.
        var (_, byDefault) = await fixture.CallAsync("DetectLabels", new { Image = image });
        Assert.Contains("Person", Names(byDefault));
        Assert.All(byDefault.GetProperty("Labels").EnumerateArray(), l => Assert.True(l.GetProperty("Confidence").GetSingle() >= 55));
    }

    [Theory]
    [InlineData("""{"MinConfidence":150}""", "InvalidParameterException", "MinConfidence")]
    [InlineData("""{"MaxLabels":-1}""", "InvalidParameterException", "MaxLabels")]
    [InlineData("""{"Settings":{"GeneralLabels":{"LabelInclusionFilters":["Unicorn"]}}}""", "InvalidParameterException", "Unicorn")]
    [InlineData("""{"Settings":{"GeneralLabels":{"LabelCategoryExclusionFilters":["Spaceships"]}}}""", "InvalidParameterException", "Spaceships")]
    [InlineData("""{"Features":["IMAGE_PROPERTIES"]}""", "InvalidParameterException", "IMAGE_PROPERTIES")]
    [InlineData("""{"Features":["COLOURS"]}""", "InvalidParameterException", "COLOURS")]
    [InlineData("""{"MinConfidence":"high"}""", "SerializationException", "$.MinConfidence")]
    public async Task Bad_parameters_are_InvalidParameterException(string extra, string type, string mentioned)
    {
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(extra)!;
        body["Image"] = JsonSerializer.SerializeToElement(new { Bytes = LabelsServer.Image("sample1") });
        var (status, error) = await fixture.CallAsync("DetectLabels", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(type, error.GetProperty("__type").GetString());
        Assert.Contains(mentioned, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_images_are_rejected_as_Rekognition_does()
    {
        var (s1, e1) = await fixture.CallAsync("DetectLabels", new { Image = new { Bytes = Convert.ToBase64String("not an image"u8.ToArray()) } });
        Assert.Equal("InvalidImageFormatException", e1.GetProperty("__type").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, s1);
        var (s2, e2) = await fixture.CallAsync("DetectLabels", new { MinConfidence = 50 });
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidParameterException"), (s2, e2.GetProperty("__type").GetString()));
        var (s3, e3) = await fixture.CallAsync("DetectLabels", new { Image = new { Bytes = LabelsServer.Image("sample1") } }, "auditor");
        Assert.Equal((HttpStatusCode.BadRequest, "AccessDeniedException"), (s3, e3.GetProperty("__type").GetString()));
    }

    [Fact]
    public async Task Native_route_detects_labels_and_answers_mistakes_with_problem_details()
    {
        var server = fixture.Server;
        var (s1, body) = await server.SendAsync(HttpMethod.Post, "v1/labels/detect?minConfidence=30&include=Person", content: ServerProcess.Jpeg("sample1"));
        Assert.Equal(HttpStatusCode.OK, s1);
        var labels = body.GetProperty("labels").EnumerateArray().ToList();
        Assert.Equal("Person", Assert.Single(labels).GetProperty("name").GetString());
        Assert.True(labels[0].GetProperty("instances").GetArrayLength() >= 2);

        var (s2, p2, t2) = await server.SendAsync(HttpMethod.Post, "v1/labels/detect?minConfidence=150", content: ServerProcess.Jpeg("sample1"));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (s2, t2));
        Assert.Equal("InvalidParameterException", p2.GetProperty("errorType").GetString());

        var (s3, p3, _) = await server.SendAsync(HttpMethod.Post, "v1/labels/detect?exclude=Unicorn", content: ServerProcess.Jpeg("sample1"));
        Assert.Equal(HttpStatusCode.BadRequest, s3);
        Assert.Contains("Unicorn", p3.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var junk = new ByteArrayContent("not an image"u8.ToArray());
        junk.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
        var (s4, p4, _) = await server.SendAsync(HttpMethod.Post, "v1/labels/detect", content: junk);
        Assert.Equal("InvalidImageFormatException", p4.GetProperty("errorType").GetString());
        Assert.NotEqual(HttpStatusCode.OK, s4);
    }

    [Fact]
    public async Task Serve_runs_the_detector_it_is_given()
    {
        await using var server = await ServerProcess.StartAsync("--label-detector", "nanodet-coco");
        var (status, body) = await server.SendAsync(HttpMethod.Post, "v1/labels/detect?minConfidence=30", content: ServerProcess.Jpeg("sample1"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("nanodet-coco", body.GetProperty("labelModelVersion").GetString());
        Assert.Contains(body.GetProperty("labels").EnumerateArray(), l => l.GetProperty("name").GetString() == "Person");
    }

    private static (float L, float T, float W, float H) Box(JsonElement b) =>
        (b.GetProperty("Left").GetSingle(), b.GetProperty("Top").GetSingle(), b.GetProperty("Width").GetSingle(), b.GetProperty("Height").GetSingle());
}
