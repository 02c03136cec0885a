using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.ModelImport.Tests.Support;
using Xunit.Abstractions;

namespace Sightline.ModelImport.Tests;

/// <summary>
/// The converted CenterNet finds people where Sightline's own face detector finds faces: on group photos every
/// face lies inside a 'person' box, every person box holds a face, and the most confident detection is a person.
/// (sample1: 3 people at 0.67/0.53/0.45 around 3 faces; sample2: 3 people, 4 faces, one of them in the background.)
/// </summary>
[Collection(ImportCollection.Name)]
public sealed class CenterNetDetectionTests(ITestOutputHelper output)
{
    private const int InputSize = 512;
    private const int PersonClass = 0; // COCO class 0
    private const float MinScore = 0.3f;

    [Theory]
    [InlineData("sample1")]
    [InlineData("sample2")]
    public async Task Person_boxes_contain_the_faces_Sightline_detects(string fixture)
    {
        string photo = HumanModels.Fixture(fixture);
        var result = await TfjsToOnnx.ConvertFileAsync(HumanModels.ModelJson("centernet"), CancellationToken.None);
        using var session = new InferenceSession(OnnxWriter.Serialize(result.Model));
        // CenterNet takes RGB 0..255 stretched to 512x512 (as the Human library feeds it).
        float[] input = ModelInputs.FromPhoto(photo, InputSize, InputSize, 3, scale: 1);
        using var run = session.Run([NamedOnnxValue.CreateFromTensor("tower_0/images", new DenseTensor<float>(input, [1, InputSize, InputSize, 3]))], ["tower_0/detections"]);
        var detections = run[0].AsTensor<float>();

        var decoder = new ImageDecoder();
        using var image = decoder.DecodeFile(photo);
        float sx = image.Width / (float)InputSize, sy = image.Height / (float)InputSize;
        var people = new List<(float X1, float Y1, float X2, float Y2, float Score)>();
        int topClass = (int)detections[0, 0, 5];
        for (int i = 0; i < detections.Dimensions[1]; i++)
        {
            float score = detections[0, i, 4];
            int cls = (int)detections[0, i, 5];
            if (score < MinScore)
                continue;
            output.WriteLine($"class {cls} score {score:F2} box {detections[0, i, 0] * sx:F0},{detections[0, i, 1] * sy:F0} - {detections[0, i, 2] * sx:F0},{detections[0, i, 3] * sy:F0}");
            if (cls == PersonClass)
                people.Add((detections[0, i, 0] * sx, detections[0, i, 1] * sy, detections[0, i, 2] * sx, detections[0, i, 3] * sy, score));
        }

        using var engine = new FaceEngine(new FaceEngineOptions());
        var faces = engine.Analyze(image, FaceRequest.Default, CancellationToken.None);
        output.WriteLine($"{fixture}: {image.Width}x{image.Height}, {people.Count} people, {faces.Count} faces");
        Assert.Equal(PersonClass, topClass);
        Assert.NotEmpty(faces);
        foreach (var face in faces)
        {
            float cx = (face.Box.X1 + face.Box.X2) / 2, cy = (face.Box.Y1 + face.Box.Y2) / 2;
            output.WriteLine($"face {face.Box.X1:F0},{face.Box.Y1:F0} - {face.Box.X2:F0},{face.Box.Y2:F0}");
            Assert.Contains(people, p => Inside(cx, cy, p));
        }
        foreach (var p in people)
        {
            Assert.Contains(faces, f => Inside((f.Box.X1 + f.Box.X2) / 2, (f.Box.Y1 + f.Box.Y2) / 2, p));
        }
    }

    private static bool Inside(float x, float y, (float X1, float Y1, float X2, float Y2, float Score) box) =>
        x >= box.X1 && x <= box.X2 && y >= box.Y1 && y <= box.Y2;
}
