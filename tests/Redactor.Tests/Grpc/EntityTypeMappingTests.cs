using PrivateInference.Redactor.Grpc;

namespace PrivateInference.Redactor.Tests.Grpc;

/// <summary>The proto enum and the engine's types (and their JSON wire names) stay in step.</summary>
public sealed class EntityTypeMappingTests
{
    private static readonly Google.Protobuf.Reflection.EnumDescriptor Proto =
        PrivateInference.Contracts.Redactor.V1.RedactorReflection.Descriptor.EnumTypes.Single(e => e.Name == "EntityType");

    public static IEnumerable<EntityType> Types => EntityTypes.All;

    [TestCaseSource(nameof(Types))]
    public void Every_engine_type_maps_to_the_proto_value_of_the_same_name(EntityType type)
    {
        var wire = RedactorGrpcService.ToWire(type);
        var protoName = Proto.FindValueByNumber((int)wire)?.Name;

        Assert.That(protoName, Is.EqualTo("ENTITY_TYPE_" + type.WireName()));
        Assert.That(RedactorGrpcService.FromWire(wire), Is.EqualTo(type));
    }

    [Test]
    public void The_proto_enum_has_no_value_the_engine_lacks()
    {
        var protoValues = Proto.Values.Count(v => v.Number != 0);

        Assert.That(protoValues, Is.EqualTo(EntityTypes.All.Count));
    }
}
