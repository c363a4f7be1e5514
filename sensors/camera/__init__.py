"""Camera sources: MediaPipe pose on webcams, video files and still images.

Importing this package does not import MediaPipe; the estimator builds its
graphs when it is constructed.
"""
