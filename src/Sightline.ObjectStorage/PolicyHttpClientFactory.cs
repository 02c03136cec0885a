using Amazon.Runtime;
using Sightline.Outbound;

namespace Sightline.ObjectStorage;

/// <summary>The S3 client's connections, made through the outbound policy like every request the server makes of its own.</summary>
internal sealed class PolicyHttpClientFactory(OutboundPolicy policy) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
        new(OutboundHttp.Handler(policy, TimeSpan.FromSeconds(10))) { Timeout = clientConfig.Timeout ?? TimeSpan.FromMinutes(5) };

    /// <summary>One client per S3 client configuration, as the SDK would cache its own.</summary>
    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public override string GetConfigUniqueString(IClientConfig clientConfig) => "sightline-outbound";
}
