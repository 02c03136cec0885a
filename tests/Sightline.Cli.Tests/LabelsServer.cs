using System.Net;
using System.Text.Json;
using Sightline.Access;

namespace Sightline.Cli.Tests;

/// <summary>One real server for the label tests, with an AWS JSON 1.1 client signing as the SDKs do.</summary>
public sealed class LabelsServer : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(string operation, object body, string role = "admin")
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, Server.Address) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", "RekognitionService." + operation);
        var headers = new Dictionary<string, string>
        {
            ["host"] = Server.Address.Authority,
            ["content-type"] = "application/x-amz-json-1.1",
            ["x-amz-target"] = "RekognitionService." + operation,
        };
        var (id, secret) = Server.Keys[role];
        foreach (var (name, value) in SigV4.Sign(new SignableRequest("POST", "/", null, headers, bytes), id, secret, "eu-west-1", "rekognition", DateTimeOffset.UtcNow))
            request.Headers.TryAddWithoutValidation(name, value);
        using var response = await Server.Http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    public static string Image(string fixture) => Convert.ToBase64String(File.ReadAllBytes(SightlineCli.Fixture(fixture)));
}
