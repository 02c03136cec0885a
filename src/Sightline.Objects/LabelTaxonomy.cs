namespace Sightline.Objects;

/// <summary>A label as Rekognition names it: parents nearest first, its categories, other names it goes by.</summary>
public sealed record LabelInfo(string Name, IReadOnlyList<string> Parents, IReadOnlyList<string> Categories, IReadOnlyList<string> Aliases);

/// <summary>
/// Maps the detector's COCO-80 classes to Rekognition-style labels and their hierarchy (Car → Vehicle →
/// Transportation). Parent labels are themselves labels (returned without instances) so filters and the response
/// treat them alike.
/// </summary>
public static class LabelTaxonomy
{
    private const string Vehicles = "Vehicles and Automotive", Animals = "Animals and Pets", People = "Person Description",
        Food = "Food and Beverage", Furniture = "Furniture and Furnishings", Tech = "Technology and Computing",
        Sports = "Sports", Home = "Home and Indoors", Everyday = "Everyday Objects", Apparel = "Apparel and Accessories",
        Outdoors = "Nature and Outdoors", Kitchen = "Kitchen and Dining";

    private static LabelInfo L(string name, string category, string[]? parents = null, string[]? aliases = null) =>
        new(name, parents ?? [], [category], aliases ?? []);

    /// <summary>Indexed like <see cref="Detection.CocoClasses.Names"/>.</summary>
    public static IReadOnlyList<LabelInfo> Coco { get; } =
    [
        L("Person", People, aliases: ["Human"]),
        L("Bicycle", Vehicles, ["Vehicle", "Transportation"], ["Bike"]),
        L("Car", Vehicles, ["Vehicle", "Transportation"], ["Automobile"]),
        L("Motorcycle", Vehicles, ["Vehicle", "Transportation"], ["Motorbike"]),
        L("Airplane", Vehicles, ["Aircraft", "Vehicle", "Transportation"], ["Aeroplane"]),
        L("Bus", Vehicles, ["Vehicle", "Transportation"]),
        L("Train", Vehicles, ["Vehicle", "Transportation"], ["Railway"]),
        L("Truck", Vehicles, ["Vehicle", "Transportation"], ["Lorry"]),
        L("Boat", Vehicles, ["Watercraft", "Vehicle", "Transportation"]),
        L("Traffic Light", Vehicles, ["Light"]),
        L("Fire Hydrant", Everyday, ["Hydrant"]),
        L("Stop Sign", Vehicles, ["Road Sign", "Sign", "Symbol"]),
        L("Parking Meter", Vehicles),
        L("Bench", Furniture, ["Furniture"]),
        L("Bird", Animals, ["Animal"]),
        L("Cat", Animals, ["Mammal", "Pet", "Animal"], ["Kitten"]),
        L("Dog", Animals, ["Canine", "Mammal", "Pet", "Animal"], ["Puppy"]),
        L("Horse", Animals, ["Mammal", "Animal"]),
        L("Sheep", Animals, ["Mammal", "Animal"]),
        L("Cow", Animals, ["Cattle", "Mammal", "Animal"]),
        L("Elephant", Animals, ["Wildlife", "Mammal", "Animal"]),
        L("Bear", Animals, ["Wildlife", "Mammal", "Animal"]),
        L("Zebra", Animals, ["Wildlife", "Mammal", "Animal"]),
        L("Giraffe", Animals, ["Wildlife", "Mammal", "Animal"]),
        L("Backpack", Apparel, ["Bag", "Accessories"]),
        L("Umbrella", Apparel, ["Accessories"]),
        L("Handbag", Apparel, ["Bag", "Accessories"], ["Purse"]),
        L("Tie", Apparel, ["Accessories"], ["Necktie"]),
        L("Suitcase", Apparel, ["Baggage", "Bag", "Accessories"], ["Luggage"]),
        L("Frisbee", Sports, ["Toy"]),
        L("Ski", Sports, ["Sports Equipment"]),
        L("Snowboard", Sports, ["Sports Equipment"]),
        L("Ball", Sports, ["Sports Equipment"], ["Sports Ball"]),
        L("Kite", Sports, ["Toy"]),
        L("Baseball Bat", Sports, ["Sports Equipment"]),
        L("Baseball Glove", Sports, ["Sports Equipment"]),
        L("Skateboard", Sports, ["Sports Equipment"]),
        L("Surfboard", Sports, ["Sports Equipment"]),
        L("Tennis Racket", Sports, ["Racket", "Sports Equipment"]),
        L("Bottle", Kitchen),
        L("Wine Glass", Kitchen, ["Glass"], ["Goblet"]),
        L("Cup", Kitchen),
        L("Fork", Kitchen, ["Cutlery"]),
        L("Knife", Kitchen, ["Cutlery"]),
        L("Spoon", Kitchen, ["Cutlery"]),
        L("Bowl", Kitchen),
        L("Banana", Food, ["Fruit", "Food"]),
        L("Apple", Food, ["Fruit", "Food"]),
        L("Sandwich", Food, ["Food"]),
        L("Orange", Food, ["Citrus Fruit", "Fruit", "Food"]),
        L("Broccoli", Food, ["Vegetable", "Food"]),
        L("Carrot", Food, ["Vegetable", "Food"]),
        L("Hot Dog", Food, ["Food"]),
        L("Pizza", Food, ["Food"]),
        L("Donut", Food, ["Dessert", "Food"], ["Doughnut"]),
        L("Cake", Food, ["Dessert", "Food"]),
        L("Chair", Furniture, ["Furniture"]),
        L("Couch", Furniture, ["Furniture"], ["Sofa"]),
        L("Potted Plant", Outdoors, ["Plant"], ["Houseplant"]),
        L("Bed", Furniture, ["Furniture"]),
        L("Dining Table", Furniture, ["Table", "Furniture"]),
        L("Toilet", Home, ["Bathroom"]),
        L("TV", Tech, ["Screen", "Electronics"], ["Television"]),
        L("Laptop", Tech, ["Computer", "Electronics"]),
        L("Mouse", Tech, ["Computer Hardware", "Electronics"]),
        L("Remote Control", Tech, ["Electronics"]),
        L("Keyboard", Tech, ["Computer Hardware", "Electronics"]),
        L("Mobile Phone", Tech, ["Phone", "Electronics"], ["Cell Phone"]),
        L("Microwave", Kitchen, ["Appliance"]),
        L("Oven", Kitchen, ["Appliance"]),
        L("Toaster", Kitchen, ["Appliance"]),
        L("Sink", Home),
        L("Refrigerator", Kitchen, ["Appliance"], ["Fridge"]),
        L("Book", Everyday, ["Publication"]),
        L("Clock", Everyday),
        L("Vase", Home, ["Pottery"]),
        L("Scissors", Everyday, ["Tool"]),
        L("Teddy Bear", Everyday, ["Toy"]),
        L("Hair Dryer", Everyday, ["Appliance"]),
        L("Toothbrush", Everyday, ["Tool"]),
    ];

    /// <summary>Parent labels: each one's own parents (nearest first) are the rest of the chain it appears in.</summary>
    private static readonly Dictionary<string, LabelInfo> s_byName = Build();

    /// <summary>Every label this taxonomy can return, parents included.</summary>
    public static IReadOnlyCollection<string> Names => s_byName.Keys;

    public static IReadOnlySet<string> CategoryNames { get; } = new HashSet<string>(
        Coco.SelectMany(c => c.Categories), StringComparer.Ordinal);

    public static LabelInfo Get(string name) => s_byName[name];

    private static Dictionary<string, LabelInfo> Build()
    {
        var map = new Dictionary<string, LabelInfo>(StringComparer.Ordinal);
        foreach (var label in Coco)
        {
            map[label.Name] = label;
            for (int i = 0; i < label.Parents.Count; i++)
            {
                string parent = label.Parents[i];
                if (!map.ContainsKey(parent))
                    map[parent] = new LabelInfo(parent, [.. label.Parents.Skip(i + 1)], label.Categories, []);
            }
        }
        return map;
    }
}
