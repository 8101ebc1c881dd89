using StaticCnn;

namespace TinyMl;

/// <summary>
/// Anomaly detection (ToyADMOS machine sounds): the fully connected autoencoder of anomaly_detection/keras_model.py.
/// Input: 5 frames of 128 log-mel bands, flattened to 640. Four Dense 128 + BatchNorm + ReLU, a Dense 8 + BatchNorm +
/// ReLU bottleneck, four Dense 128 + BatchNorm + ReLU, and a linear Dense 640 reconstruction, trained with mean
/// squared error; the reconstruction error is the anomaly score.
/// </summary>
[Network(1, 1, 640, BatchNormEpsilon = 1e-3f, BatchNormMomentum = 0.01f)]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(8)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(640)]
public partial class FcAutoencoder;
