"""The ConvNet of the dataset-distillation literature (DC, DSA, DM, MTT), as a module and as a
functional forward over one flat parameter vector.

    depth x [conv 3x3 (width channels, stride 1) -> instance norm with affine scale and shift
             -> ReLU -> average pool 2x2] -> linear (width * h * w -> classes)

Instance norm is written as GroupNorm(width groups, width channels), as those repositories do.
The first convolution may pad more than 1: `first_padding=3` is the DC repository's handling of
1x28x28 images (28 -> 32 after the first conv, 4x4 features at depth 3); 1 is the plain form
(28 -> 14 -> 7 -> 3). Parameters start from PyTorch's default initialisation.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def feature_size(image, depth=3, first_padding=1):
    """Side of the last feature map: the first conv changes the side by 2*pad - 2, each pool halves it."""
    side = image + 2 * first_padding - 2
    for _ in range(depth):
        side //= 2
    return side


class ConvNet(nn.Module):
    def __init__(self, channels=3, classes=10, width=128, depth=3, image=32, first_padding=1):
        super().__init__()
        blocks = []
        inputs = channels
        for level in range(depth):
            pad = first_padding if level == 0 else 1
            blocks.append(nn.Conv2d(inputs, width, kernel_size=3, padding=pad))
            blocks.append(nn.GroupNorm(width, width, affine=True))
            blocks.append(nn.ReLU(inplace=True))
            blocks.append(nn.AvgPool2d(kernel_size=2, stride=2))
            inputs = width
        self.features = nn.Sequential(*blocks)
        side = feature_size(image, depth, first_padding)
        self.classifier = nn.Linear(width * side * side, classes)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def parameter_shapes(net):
    """The shapes of net's parameters in parameters() order: per level conv weight, conv bias,
    norm scale, norm shift; then the classifier's weight and bias."""
    return [tuple(p.shape) for p in net.parameters()]


def flat_parameters(net):
    """net's parameters as one detached flat vector (same order as parameter_shapes)."""
    return torch.cat([p.detach().reshape(-1) for p in net.parameters()])


def split(flat, shapes):
    """Views of the flat vector with the given shapes."""
    views, offset = [], 0
    for shape in shapes:
        count = 1
        for d in shape:
            count *= d
        views.append(flat[offset:offset + count].view(shape))
        offset += count
    return views


def functional_forward(flat, x, shapes, first_padding=1):
    """The ConvNet's forward with every parameter taken from `flat`, so that gradients (also of
    higher order) flow to the flat vector itself."""
    params = split(flat, shapes)
    depth = (len(params) - 2) // 4
    h = x
    for level in range(depth):
        weight, bias, scale, shift = params[4 * level:4 * level + 4]
        h = F.conv2d(h, weight, bias, padding=first_padding if level == 0 else 1)
        h = F.group_norm(h, weight.shape[0], scale, shift)
        h = F.avg_pool2d(F.relu(h), 2, 2)
    return F.linear(torch.flatten(h, 1), params[-2], params[-1])
