using Sightline.Models;

namespace Sightline.ModelImport;

/// <summary>The model pack's setup-time converter for <c>tfjs</c> sources: a graph model.json (shards beside it) to ONNX.</summary>
public sealed class TfjsModelConverter : IModelConverter
{
    public string SourceFamily => "tfjs";

    public async Task<byte[]> ConvertAsync(string sourcePath, CancellationToken cancellationToken)
    {
        var result = await TfjsToOnnx.ConvertFileAsync(sourcePath, cancellationToken).ConfigureAwait(false);
        return OnnxWriter.Serialize(result.Model);
    }
}
