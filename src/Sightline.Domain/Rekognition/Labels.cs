namespace Sightline.Rekognition;

/// <summary>One occurrence of a label in the image (ratios of the image size, like a face's box).</summary>
public sealed record Instance(BoundingBox BoundingBox, float Confidence);

public sealed record Parent(string Name);

public sealed record LabelAlias(string Name);

public sealed record LabelCategory(string Name);

/// <summary>A Rekognition label: objects carry Instances; parent labels (Vehicle, Animal) come back without them.</summary>
public sealed record Label(string Name, float Confidence, IReadOnlyList<Instance> Instances, IReadOnlyList<Parent> Parents,
    IReadOnlyList<LabelAlias> Aliases, IReadOnlyList<LabelCategory> Categories);

public sealed record DetectLabelsResponse(IReadOnlyList<Label> Labels, string LabelModelVersion);
