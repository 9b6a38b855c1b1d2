using System.Numerics.Tensors;

namespace RagService.Search;

public static class VectorMath
{
    public static void NormalizeInPlace(float[] vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
    }
}
